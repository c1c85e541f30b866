/**
 * What the terminal and Markdown reports both show, as plain strings: the table's cells, the summary,
 * the warnings and the notes on failures and mismatches. The renderers only lay these out.
 */
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatRate,
  formatRatio,
  formatSignificant,
} from '../core/units.js';
import type { SpreadWarning } from '../measure/stats.js';
import type { Comparison, StrategyMeasurement } from '../measure/types.js';

export const COLUMNS = [
  'strategy',
  'concurrency',
  'wall (median)',
  'mean ± σ',
  'min … max',
  'CPU',
  'peak RSS',
  'tasks/s',
  'speed-up',
  'efficiency',
] as const;

/** Columns whose cells line up on the right (numbers). */
export const RIGHT_ALIGNED: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]);

/**
 * `1.24 s ± 31.0 ms`: the mean and the sample standard deviation of the runs, as hyperfine shows them;
 * `—` for a single run, which has no spread.
 */
export function formatMeanSigma(wall: { mean: number; stddev: number; count: number }): string {
  return wall.count < 2 ? '—' : `${formatDuration(wall.mean)} ± ${formatDuration(wall.stddev)}`;
}

/** `1.20 s … 1.31 s`: both ends in full, under the column's `min … max`. */
export function formatRange(minMs: number, maxMs: number): string {
  return `${formatDuration(minMs)} … ${formatDuration(maxMs)}`;
}

export function tableRow(s: StrategyMeasurement): string[] {
  return [
    s.name,
    s.level,
    formatDuration(s.wallMs.median),
    formatMeanSigma(s.wallMs),
    formatRange(s.wallMs.min, s.wallMs.max),
    formatDuration(s.cpuMs.median),
    formatBytes(s.peakRss.median),
    formatRate(s.throughput.median),
    formatRatio(s.speedup),
    formatPercent(s.efficiency),
  ];
}

/** `task.mjs · 20 inputs · 3 runs after 1 warm-up · 2 cores · Node v20.20.2 on linux`. */
export function titleLine(c: Comparison): string {
  const runs = `${c.runs} run${c.runs === 1 ? '' : 's'}`;
  const warmup = c.warmup === 0 ? ', no warm-up' : ` after ${c.warmup} warm-up${c.warmup === 1 ? '' : 's'}`;
  const exported = c.export === 'default' ? '' : ` (export ${c.export})`;
  return (
    `${c.label}${exported} · ${formatCount(c.inputs)} input${c.inputs === 1 ? '' : 's'} · ${runs} each${warmup} · ` +
    `${c.machine.cores} cores · Node ${c.machine.node} on ${c.machine.platform}`
  );
}

/** `1.93 × faster`, or `1.20 × slower` for a ratio below 1 (never "0.83 × faster"). */
export function fasterOrSlower(speedup: number): string {
  return speedup >= 1 ? `${formatRatio(speedup)} faster` : `${formatRatio(1 / speedup)} slower`;
}

/**
 * The fastest strategy when the runs say so beyond doubt: its slowest run beat every other strategy's
 * fastest. Undefined when they overlap (load, noise): then no winner may be named.
 */
export function clearWinner(c: Comparison): StrategyMeasurement | undefined {
  const fastest = c.strategies.find((s) => s.name === c.fastest);
  if (!fastest) return undefined;
  const beaten = c.strategies.every((s) => s === fastest || fastest.wallMs.max < s.wallMs.min);
  return beaten ? fastest : undefined;
}

/**
 * The comparison's verdict: a head (`threads is fastest`, or `no clear winner by wall time`) and the
 * figures that decide it: the median wall times, and whether the fastest's slowest run beat every
 * other's fastest (the min … max column). Overlapping runs name no winner, and say what would tell them
 * apart. The terminal prints it as one line (`verdictLine`); the HTML report as a box, the same words.
 */
export interface ComparisonVerdict {
  /** The strategy the runs name beyond doubt, or undefined when they overlap. */
  winner: StrategyMeasurement | undefined;
  head: string;
  /** What follows the head, its separator included: `, decided by wall time: …`. */
  rest: string;
}

export function comparisonVerdict(c: Comparison): ComparisonVerdict | undefined {
  if (c.strategies.length < 2) return undefined;
  const fastest = c.strategies.find((s) => s.name === c.fastest)!;
  const others = c.strategies.filter((s) => s !== fastest);
  const next = others.reduce((a, b) => (b.wallMs.median < a.wallMs.median ? b : a));
  const medians = `median wall time ${formatDuration(fastest.wallMs.median)} against ${formatDuration(next.wallMs.median)} for ${next.name}, the next fastest`;
  const winner = clearWinner(c);
  if (winner !== undefined) {
    return {
      winner,
      head: `${fastest.name} is fastest`,
      rest:
        `, decided by wall time: ${medians}; and its slowest run ` +
        `(${formatDuration(fastest.wallMs.max)}) beat every other strategy's fastest run (min … max).`,
    };
  }
  const overlapping = others.filter((s) => fastest.wallMs.max >= s.wallMs.min);
  const first = overlapping.reduce((a, b) => (b.wallMs.min < a.wallMs.min ? b : a));
  return {
    winner: undefined,
    head: 'no clear winner by wall time',
    rest:
      `: ${fastest.name} has the lowest median (${medians}), but its runs ` +
      `(${formatRange(fastest.wallMs.min, fastest.wallMs.max)}) overlap ${first.name}'s ` +
      `(${formatRange(first.wallMs.min, first.wallMs.max)}); more runs (--runs) or a quieter machine can tell them apart.`,
  };
}

/** The label before a verdict, in the terminal and in the report. */
export const VERDICT_LABEL = 'Verdict:';

/** The comparison's verdict in one line, as the terminal and the Markdown print it. */
export function verdictLine(c: Comparison): string | undefined {
  const verdict = comparisonVerdict(c);
  return verdict && `${VERDICT_LABEL} ${verdict.head}${verdict.rest}`;
}

/** Said of a difference smaller than the runs' own spread. */
export const OVERLAP_NOTE = '(the runs overlap: no clear difference)';

/**
 * One line per other strategy, hyperfine-style: `threads ran 1.93 × faster than sequential`, with a
 * note where the fastest's slowest run was no faster than the other's fastest run.
 */
export function summaryLines(c: Comparison): string[] {
  if (c.strategies.length < 2) return [];
  const fastest = c.strategies.find((s) => s.name === c.fastest)!;
  return c.strategies
    .filter((s) => s !== fastest)
    .map((s) => {
      const ratio = fastest.wallMs.median > 0 ? s.wallMs.median / fastest.wallMs.median : undefined;
      const line = `${fastest.name} ran ${formatRatio(ratio)} faster than ${s.name}`;
      return fastest.wallMs.max >= s.wallMs.min ? `${line} ${OVERLAP_NOTE}` : line;
    });
}

/**
 * What an adaptive row's limit did, to set beside the fixed rows:
 * `async adaptive: limit from 4, between 2 and 90, 17.3 on average over the run (time-weighted, median of 3 runs; bounds 1–1,000)`.
 */
export function adaptiveLine(s: StrategyMeasurement): string | undefined {
  const adaptive = s.adaptive;
  if (adaptive === undefined) return undefined;
  const { limit, bounds } = adaptive;
  const what = adaptive.moves === 'inFlight' ? 'tasks in flight per worker' : 'limit';
  const runs = s.runs.length;
  const bound = `bounds ${formatCount(bounds.min)}–${formatCount(bounds.max)}`;
  if (!Number.isFinite(limit.mean)) return `${s.name}: ${what} not measured (${bound})`;
  const moved =
    limit.min === limit.max
      ? `stayed at ${formatCount(limit.min)}`
      : `from ${formatCount(limit.start)}, between ${formatCount(limit.min)} and ${formatCount(limit.max)}, ` +
        `${formatSignificant(limit.mean)} on average over the run`;
  const over = runs === 1 ? 'time-weighted' : `time-weighted, median of ${runs} runs`;
  return `${s.name}: ${what} ${moved} (${over}; ${bound})`;
}

/** One line per adaptive row, or none. */
export function adaptiveLines(c: Comparison): string[] {
  return c.strategies.flatMap((s) => adaptiveLine(s) ?? []);
}

export function warningText(strategy: string, w: SpreadWarning, runs: number): string {
  switch (w.kind) {
    case 'wide-spread':
      return (
        `${strategy}: runs varied widely (the slowest took ${formatRatio(w.ratio)} the fastest): ` +
        'the machine may be busy; more runs give a steadier median'
      );
    case 'slow-first-run':
      return (
        `${strategy}: the first run was much slower than the rest (${formatDuration(w.first)}, median ` +
        `${formatDuration(w.median)}): caches were still cold; a warm-up run leaves it out`
      );
    case 'outliers':
      return (
        `${strategy}: ${w.count} of ${runs} runs lay far from the others ` +
        '(another program may have interrupted them)'
      );
  }
}

export function warningLines(c: Comparison): string[] {
  return c.strategies.flatMap((s) => s.warnings.map((w) => warningText(s.name, w, s.runs.length)));
}

/** Failed inputs, per strategy, with the first few errors. */
export function failureLines(c: Comparison): string[] {
  return c.strategies
    .filter((s) => s.failed > 0)
    .flatMap((s) => [
      `${s.name}: ${s.failed} of ${c.inputs} inputs failed`,
      ...s.failures.map((f) => `  input ${f.index}: ${f.message}`),
    ]);
}

/** Inputs whose results differ between strategies. */
export function mismatchLines(c: Comparison): string[] {
  if (c.mismatchCount === 0) return [];
  const lines = [
    `results differ from ${c.reference}'s on ${c.mismatchCount} input${c.mismatchCount === 1 ? '' : 's'} ` +
      '(a task whose result depends on when or where it runs, or a bug that shows under concurrency):',
    ...c.mismatches.map(
      (m) => `  input ${m.index} under ${m.name} (run ${m.run}): ${m.actual}; ${c.reference}: ${m.expected}`,
    ),
  ];
  const hidden = c.mismatchCount - c.mismatches.length;
  if (hidden > 0) lines.push(`  … and ${hidden} more`);
  return lines;
}
