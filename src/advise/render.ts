/**
 * The advice as text for a terminal: values in, a string out. Colour comes from the caller's style.
 */
import { formatBytes, formatLongDuration, formatPercent, formatRate } from '../core/units.js';
import type { Advice } from './types.js';
import { inputCount, model } from './words.js';

export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
}

const plain: TextStyle = { bold: (t) => t, dim: (t) => t, green: (t) => t };

const KIND_WORDS: Record<Advice['verdict']['kind'], string> = {
  'io-bound': 'I/O-bound: the task mostly waits',
  'cpu-bound': 'CPU-bound: the task mostly computes',
  mixed: 'mixed: the task both computes and waits',
  'too-small': 'too small to be worth parallelising',
};

/** One line: the recommendation alone (for `--quiet`); an unsettled one says so. */
export function renderRecommendation(advice: Advice): string {
  const { kind, strategy, concurrency, settled } = advice.verdict;
  const unsettled = settled ? '' : ' (not settled: the figures cannot decide; see the warnings)';
  return `${kind}: ${strategy}${strategy === 'sequential' ? '' : ` --concurrency ${concurrency}`}${unsettled}\n`;
}

export function renderAdvice(advice: Advice, style: TextStyle = plain): string {
  const { verdict, measurements: m, probes, projections } = advice;
  const lines: string[] = [];
  const level =
    verdict.strategy === 'sequential'
      ? ''
      : verdict.inFlight > 1
        ? ` at concurrency ${verdict.concurrency}, ${verdict.inFlight} in flight per worker (${verdict.strategy}=${verdict.concurrency}x${verdict.inFlight})`
        : ` at concurrency ${verdict.concurrency}`;
  if (verdict.settled) {
    lines.push(`${style.bold('Verdict:')} ${KIND_WORDS[verdict.kind]}`);
    lines.push(`${style.bold('Recommended:')} ${style.green(`${verdict.strategy}${level}`)}`);
  } else {
    // The figures lean one way but cannot carry a conclusion: say so before anything else.
    lines.push(`${style.bold('Verdict:')} not settled: the figures cannot decide (see the warnings)`);
    lines.push(
      `${style.bold('Leaning to:')} ${verdict.strategy}${level}, ${KIND_WORDS[verdict.kind]}: not a recommendation until the warnings are resolved`,
    );
  }
  if (verdict.warnings.length > 0) {
    lines.push('');
    lines.push(style.bold('Warnings'));
    for (const warning of verdict.warnings) lines.push(`  ! ${warning}`);
  }
  lines.push('');
  lines.push(style.bold('Why'));
  for (const reason of verdict.reasons) lines.push(`  - ${reason}`);
  lines.push('');
  lines.push(style.bold('Measured'));
  const s = m.sample;
  lines.push(
    `  per task, run sequentially: ${formatLongDuration(s.wallMs)} wall (p50 ${formatLongDuration(s.p50Ms)}, p95 ${formatLongDuration(s.p95Ms)}), ` +
      `${formatLongDuration(s.cpuMs)} CPU (${formatPercent(s.cpuShare)}), event loop busy ${formatPercent(s.busyShare)}; first input ${formatLongDuration(s.firstTaskMs)}`,
  );
  const starts = [
    m.startup.threadsMs === null
      ? null
      : `worker thread ${formatLongDuration(m.startup.threadsMs)}${m.startup.threadsRest ? ' (the rest after the sample: started beside it)' : ''}`,
    m.startup.processesMs === null ? null : `child process ${formatLongDuration(m.startup.processesMs)}`,
  ].filter((x) => x !== null);
  if (starts.length > 0) lines.push(`  start-up: ${starts.join(', ')}`);
  lines.push(
    `  messages: input ${formatBytes(m.message.inputBytes)}, output ${formatBytes(m.message.outputBytes)}, ` +
      `clone ${formatLongDuration(m.message.cloneMs)} per task`,
  );
  lines.push('');
  lines.push(style.bold('Probes'));
  lines.push(style.dim('  strategy     concurrency   throughput        p50        p95   tasks'));
  for (const p of probes) {
    lines.push(
      `  ${p.strategy.padEnd(12)} ${String(p.concurrency).padStart(11)} ${formatRate(p.tasksPerSecond).padStart(12)} ` +
        `${formatLongDuration(p.p50Ms).padStart(10)} ${formatLongDuration(p.p95Ms).padStart(10)} ${String(p.tasks).padStart(7)}` +
        (p.failed > 0 ? `  (${p.failed} failed)` : ''),
    );
  }
  if (projections.length > 0) {
    lines.push('');
    lines.push(
      style.bold(
        m.total === 1
          ? 'Projected wall time for the 1 input'
          : `Projected wall time for all ${inputCount(m.total ?? 0)}`,
      ),
    );
    for (const p of projections) {
      const label = model(p.strategy, p.concurrency);
      const basis =
        p.basis === 'bound' ? style.dim('  (at best: start-up measured, speed-up assumed perfect)') : '';
      lines.push(`  ${label.padEnd(22)} ${formatLongDuration(p.wallMs).padStart(10)}${basis}`);
    }
  }
  lines.push('');
  lines.push(
    style.dim(
      `Advised in ${formatLongDuration(m.elapsedMs)} (budget ${formatLongDuration(m.budgetMs)}) on ${m.cores} cores.`,
    ),
  );
  return `${lines.join('\n')}\n`;
}
