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

/** After a row's tasks/s when its inputs failed: the rate counts them as done. */
export const FAILED_RATE_MARK = '†';

export function tableRow(s: StrategyMeasurement): string[] {
  return [
    s.name,
    s.level,
    formatDuration(s.wallMs.median),
    formatMeanSigma(s.wallMs),
    formatRange(s.wallMs.min, s.wallMs.max),
    formatDuration(s.cpuMs.median),
    formatBytes(s.peakRss.median),
    s.failed > 0 ? `${formatRate(s.throughput.median)} ${FAILED_RATE_MARK}` : formatRate(s.throughput.median),
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

/** `threads'`, `async 64's`: a name's possessive, as English writes it after a plural's s. */
export function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}

/** The configurations whose every input succeeded in every measured run: the only ones a verdict may name. */
export function cleanRows(c: Comparison): StrategyMeasurement[] {
  return c.strategies.filter((s) => s.failed === 0);
}

/** `177 of 200 inputs failed`: a row's worst measured run. */
export function failedText(s: StrategyMeasurement, inputs: number): string {
  return `${formatCount(s.failed)} of ${formatCount(inputs)} input${inputs === 1 ? '' : 's'} failed`;
}

/**
 * The fastest configuration when the runs say so beyond doubt: every input succeeded under it, it ran
 * at least twice (one run has no spread), and its slowest run beat the fastest run of every other
 * configuration whose inputs all succeeded. Undefined otherwise: then no winner may be named.
 * Configurations with failed inputs are left out, however soon they finished.
 */
export function clearWinner(c: Comparison): StrategyMeasurement | undefined {
  const fastest = c.strategies.find((s) => s.name === c.fastest);
  if (!fastest) return undefined;
  const rivals = cleanRows(c).filter((s) => s !== fastest);
  if (rivals.length > 0 && fastest.wallMs.count < 2) return undefined;
  const beaten = rivals.every((s) => fastest.wallMs.max < s.wallMs.min);
  return beaten ? fastest : undefined;
}

/**
 * The comparison's verdict: a head (`threads is fastest`, or `no clear winner by wall time`) and the
 * figures that decide it: the median wall times, and whether the fastest's slowest run beat every
 * other's fastest (the min … max column). Overlapping runs name no winner, and say what would tell them
 * apart; so does a single run per configuration, which has no spread. A configuration with failed
 * inputs is never named, and the verdict says which were left out and why; with failures everywhere it
 * names none. The terminal prints it as one line (`verdictLine`); the HTML report as a box, the same
 * words.
 */
export interface ComparisonVerdict {
  /** The configuration the runs name beyond doubt, or undefined. */
  winner: StrategyMeasurement | undefined;
  head: string;
  /** What follows the head, its separator included: `, decided by wall time: …`. */
  rest: string;
}

/** `; left out for failed inputs: async 64 finished first but 177 of 200 inputs failed`, or ''. */
function leftOut(c: Comparison, fastest: StrategyMeasurement | undefined): string {
  const failing = c.strategies.filter((s) => s.failed > 0);
  if (failing.length === 0) return '';
  const said = failing.map((s) => {
    const first = fastest !== undefined && s.wallMs.median < fastest.wallMs.median;
    return first
      ? `${s.name} finished sooner but ${failedText(s, c.inputs)}`
      : `${s.name}: ${failedText(s, c.inputs)}`;
  });
  return `; left out, for failed inputs: ${said.join('; ')}`;
}

export function comparisonVerdict(c: Comparison): ComparisonVerdict | undefined {
  if (c.strategies.length < 2) return undefined;
  const fastest = c.strategies.find((s) => s.name === c.fastest);
  if (fastest === undefined) {
    return {
      winner: undefined,
      head: 'no winner',
      rest:
        `: inputs failed under every configuration (${c.strategies.map((s) => `${s.name}: ${failedText(s, c.inputs)}`).join('; ')}), ` +
        'and a configuration whose inputs fail is no measure of the work, however soon it finishes.',
    };
  }
  const others = cleanRows(c).filter((s) => s !== fastest);
  const excluded = leftOut(c, fastest);
  if (others.length === 0) {
    return {
      winner: fastest,
      head: `${fastest.name} is the only configuration with every input ok`,
      rest: `${excluded.replace(/^; /, ': ')}.`,
    };
  }
  const next = others.reduce((a, b) => (b.wallMs.median < a.wallMs.median ? b : a));
  const among = excluded === '' ? '' : ' among the configurations with every input ok';
  const medians = `median wall time ${formatDuration(fastest.wallMs.median)} against ${formatDuration(next.wallMs.median)} for ${next.name}, the next fastest`;
  const winner = clearWinner(c);
  if (winner !== undefined) {
    return {
      winner,
      head: `${fastest.name} is fastest`,
      rest:
        `, decided by wall time${among}: ${medians}; and its slowest run ` +
        `(${formatDuration(fastest.wallMs.max)}) beat every other configuration's fastest run (min … max)${excluded}.`,
    };
  }
  if (fastest.wallMs.count < 2) {
    return {
      winner: undefined,
      head: 'no clear winner by wall time',
      rest:
        `: ${fastest.name} was fastest${among} in a single run (${medians}), but one run per configuration ` +
        `has no spread to tell a difference from noise; more runs (--runs) can${excluded}.`,
    };
  }
  const overlapping = others.filter((s) => fastest.wallMs.max >= s.wallMs.min);
  const first = overlapping.reduce((a, b) => (b.wallMs.min < a.wallMs.min ? b : a));
  return {
    winner: undefined,
    head: 'no clear winner by wall time',
    rest:
      `: ${fastest.name} has the lowest median${among} (${medians}), but its runs ` +
      `(${formatRange(fastest.wallMs.min, fastest.wallMs.max)}) overlap ${possessive(first.name)} ` +
      `(${formatRange(first.wallMs.min, first.wallMs.max)}); more runs (--runs) or a quieter machine can tell them apart${excluded}.`,
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
/** Said of a difference between single runs, which have no spread. */
export const SINGLE_RUN_NOTE = '(one run each: no spread to judge the difference by)';

/** The row the summary measures the others against: the fastest with every input ok, else the first to finish. */
export function summaryAnchor(c: Comparison): StrategyMeasurement | undefined {
  return c.strategies.find((s) => s.name === (c.fastest ?? c.finishedFirst));
}

/**
 * One line per other configuration, hyperfine-style: `threads ran 1.93 × faster than sequential`, with
 * a note where the runs overlap (or are single), and where a row's inputs failed.
 */
export function summaryLines(c: Comparison): string[] {
  const anchor = summaryAnchor(c);
  if (c.strategies.length < 2 || anchor === undefined) return [];
  return c.strategies
    .filter((s) => s !== anchor)
    .map((s) => {
      const ratio = anchor.wallMs.median > 0 ? s.wallMs.median / anchor.wallMs.median : undefined;
      const how = ratio === undefined ? `${formatRatio(ratio)} faster` : fasterOrSlower(ratio);
      const notes: string[] = [];
      const failing = [anchor, s].filter((r) => r.failed > 0);
      if (failing.length > 0)
        notes.push(`(${failing.map((r) => `${r.name}: ${failedText(r, c.inputs)}`).join('; ')})`);
      if (anchor.wallMs.count < 2 || s.wallMs.count < 2) notes.push(SINGLE_RUN_NOTE);
      else if (anchor.wallMs.max >= s.wallMs.min && anchor.wallMs.min <= s.wallMs.max)
        notes.push(OVERLAP_NOTE);
      return [`${anchor.name} ran ${how} than ${s.name}`, ...notes].join(' ');
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

/** Above this efficiency, overlap alone cannot explain the speed-up: say what else can. */
export const EFFICIENCY_NOTE_ABOVE = 1.05;

/**
 * `async: efficiency 149 %, above 100 % …`: a speed-up beyond the slots in flight, which overlap cannot
 * give; in short runs one-off costs (compiling, cold caches) weigh on the baseline, measured first.
 */
export function efficiencyWarning(c: Comparison, s: StrategyMeasurement): string | undefined {
  if (s.efficiency === undefined || s.efficiency <= EFFICIENCY_NOTE_ABOVE) return undefined;
  const sequential = c.strategies.find((r) => r.strategy === 'sequential');
  const wall =
    sequential === undefined ? '' : ` (sequential's median, ${formatDuration(sequential.wallMs.median)})`;
  return (
    `${s.name}: efficiency ${formatPercent(s.efficiency)}, above 100 %: more than overlap can give. In a short run${wall} ` +
    'one-off costs (compiling the task, cold caches) can weigh on sequential, measured first; more inputs or warm-up runs give a fairer baseline'
  );
}

export function warningLines(c: Comparison): string[] {
  return c.strategies.flatMap((s) => {
    const efficiency = efficiencyWarning(c, s);
    const lines = s.warnings.map((w) => warningText(s.name, w, s.runs.length));
    return efficiency === undefined ? lines : [...lines, efficiency];
  });
}

/** Failed inputs, per configuration, with the first few errors, and what the failures do to the figures. */
export function failureLines(c: Comparison): string[] {
  const failing = c.strategies.filter((s) => s.failed > 0);
  if (failing.length === 0) return [];
  const sequential = c.strategies.find((s) => s.strategy === 'sequential');
  const blank =
    sequential === undefined
      ? ''
      : sequential.failed > 0
        ? '; speed-up and efficiency are left out (—), as sequential, their baseline, had failed inputs'
        : '; speed-up and efficiency are left out (—) for those rows';
  return [
    ...failing.flatMap((s) => [
      `${s.name}: ${failedText(s, c.inputs)}`,
      ...s.failures.map((f) => `  input ${f.index}: ${f.message}`),
    ]),
    `${FAILED_RATE_MARK} tasks/s counts failed inputs as done: an input that fails at once makes a high rate of no work${blank}.`,
  ];
}

/** Inputs whose results differ between strategies. */
export function mismatchLines(c: Comparison): string[] {
  if (c.mismatchCount === 0) return [];
  const outcomes = `${formatCount(c.mismatchCount)} outcome${c.mismatchCount === 1 ? '' : 's'}`;
  const runs = c.runs === 1 ? 'in 1 run' : `across ${c.runs} runs`;
  const inputs = `${formatCount(c.mismatchedInputs)} of ${formatCount(c.inputs)} input${c.inputs === 1 ? '' : 's'}`;
  const lines = [
    `results differ from ${possessive(c.reference)} in ${outcomes} ${runs}, on ${inputs} ` +
      (c.failed > 0
        ? '(an input that failed under one and not the other, listed above; or a task whose result depends on when or where it runs):'
        : '(a task whose result depends on when or where it runs, or a bug that shows under concurrency):'),
    ...c.mismatches.map(
      (m) => `  input ${m.index} under ${m.name} (run ${m.run}): ${m.actual}; ${c.reference}: ${m.expected}`,
    ),
  ];
  const hidden = c.mismatchCount - c.mismatches.length;
  if (hidden > 0) lines.push(`  … and ${hidden} more`);
  return lines;
}
