/**
 * A sweep as text: throughput against level, one row per level with a bar, for the terminal and
 * Markdown. Pure: a comparison in, strings out; nothing when the comparison was not a sweep.
 *
 * Throughput here is the inputs over the median wall time (and its range over the slowest and the
 * fastest run), so that the peak it names is the configuration the wall-time verdict names: with an
 * even number of runs, the median of per-run throughputs need not be.
 */
import { formatRate, formatSignificant } from '../core/units.js';
import { formatLevel, IN_FLIGHT_SIGN, type Sweep } from '../measure/configuration.js';
import type { Comparison, StrategyMeasurement } from '../measure/types.js';
import { FAILED_RATE_MARK, failedText } from './model.js';

/** The longest bar, in characters: the highest median throughput. */
export const SWEEP_BAR_WIDTH = 32;
const BAR = '█';

export const SWEEP_COLUMNS = ['level', 'tasks/s', 'slowest … fastest run', ''] as const;

/** Tasks per second at a wall time. */
function rate(inputs: number, wallMs: number): number {
  return wallMs > 0 ? (inputs * 1000) / wallMs : Number.NaN;
}

/** A level's throughput: at the median wall time, and at the slowest and the fastest run. */
export function sweepThroughput(
  c: Comparison,
  s: StrategyMeasurement,
): { median: number; low: number; high: number } {
  return {
    median: rate(c.inputs, s.wallMs.median),
    low: rate(c.inputs, s.wallMs.max),
    high: rate(c.inputs, s.wallMs.min),
  };
}

/** The level a measurement was taken at: its workers (or async's limit), or its tasks in flight per worker. */
export function sweepLevel(sweep: Sweep, s: StrategyMeasurement): number {
  return sweep.varies === 'inFlight' ? s.inFlight : s.concurrency;
}

/** `threads 2×K: throughput against K, the tasks in flight per worker`. */
export function sweepTitle(sweep: Sweep): string {
  if (sweep.varies === 'inFlight') {
    const workers = formatLevel(sweep.concurrency ?? 0);
    return `${sweep.strategy} ${workers}${IN_FLIGHT_SIGN}K: throughput against K, the tasks in flight per worker`;
  }
  const what = sweep.strategy === 'async' ? 'tasks in flight' : 'workers';
  return `${sweep.strategy} N: throughput against N, the ${what}`;
}

/** What the level is, for a chart's x axis and its line: `K`, tasks in flight per worker, `threads 2×K`. */
export function sweepAxis(sweep: Sweep): { name: string; unit: string; series: string } {
  if (sweep.varies === 'inFlight') {
    const series = `${sweep.strategy} ${formatLevel(sweep.concurrency ?? 0)}${IN_FLIGHT_SIGN}K`;
    return { name: 'K', unit: 'tasks in flight per worker', series };
  }
  const unit = sweep.strategy === 'async' ? 'tasks in flight' : 'workers';
  return { name: 'N', unit, series: `${sweep.strategy} N` };
}

/** The sweep's rows at a fixed level: every one but its adaptive row. */
export function fixedLevels(c: Comparison): StrategyMeasurement[] {
  return c.strategies.filter((s) => s.adaptive === undefined);
}

/** One row per level (the adaptive row as its setting): the median throughput, its range, a bar to scale. */
export function sweepRows(c: Comparison): string[][] {
  const sweep = c.sweep;
  if (sweep === undefined) return [];
  const rates = c.strategies.map((s) => sweepThroughput(c, s));
  const highest = Math.max(0, ...rates.map((r) => (Number.isFinite(r.median) ? r.median : 0)));
  return c.strategies.map((s, i) => {
    const r = rates[i]!;
    const share = highest > 0 && Number.isFinite(r.median) ? r.median / highest : 0;
    return [
      s.adaptive === undefined ? String(sweepLevel(sweep, s)) : s.level,
      s.failed > 0 ? `${formatRate(r.median)} ${FAILED_RATE_MARK}` : formatRate(r.median),
      `${formatRate(r.low)} … ${formatRate(r.high)}`,
      BAR.repeat(Math.max(share > 0 ? 1 : 0, Math.round(share * SWEEP_BAR_WIDTH))),
    ];
  });
}

/**
 * The level with the highest median throughput among those whose every input succeeded, and whether
 * its runs stand clear of every other such level's (its slowest run above their fastest, with two runs
 * or more: one run has no spread): only then does a report call it the best. Levels with failed inputs
 * are never the peak; `leftOut` names them. Undefined level when every level had failures.
 */
export function sweepPeak(
  c: Comparison,
):
  | { level: number | undefined; clear: boolean; single: boolean; leftOut: StrategyMeasurement[] }
  | undefined {
  const sweep = c.sweep;
  const levels = fixedLevels(c);
  if (sweep === undefined || levels.length === 0) return undefined;
  const clean = levels.filter((s) => s.failed === 0);
  const leftOut = levels.filter((s) => s.failed > 0);
  if (clean.length === 0) return { level: undefined, clear: false, single: false, leftOut };
  // The highest throughput is the lowest median wall time; clear when its slowest run beat every other's fastest.
  const peak = clean.reduce((a, b) => (b.wallMs.median < a.wallMs.median ? b : a));
  const single = clean.length > 1 && peak.wallMs.count < 2;
  const clear = !single && clean.every((s) => s === peak || peak.wallMs.max < s.wallMs.min);
  return { level: sweepLevel(sweep, peak), clear, single, leftOut };
}

/** The line under the sweep's table: what the figures say about the peak, and no more. */
export function sweepPeakLine(c: Comparison): string | undefined {
  const peak = sweepPeak(c);
  const sweep = c.sweep;
  if (peak === undefined || sweep === undefined) return undefined;
  const failed = peak.leftOut.map((s) => `${sweepLevel(sweep, s)} (${failedText(s, c.inputs)})`).join(', ');
  if (peak.level === undefined) {
    return `No peak: inputs failed at every level (${failed}), and a level whose inputs fail is no measure of the work.`;
  }
  const best = fixedLevels(c).find((s) => s.failed === 0 && sweepLevel(sweep, s) === peak.level)!;
  const figure = formatRate(sweepThroughput(c, best).median, 'tasks');
  const among = failed === '' ? '' : ' among the levels with every input ok';
  const only = fixedLevels(c).filter((s) => s.failed === 0).length === 1;
  const line = only
    ? `The only level with every input ok: ${peak.level} (${figure}).`
    : peak.clear
      ? `Highest throughput${among} at ${peak.level} (${figure}), clear of every other ${among ? 'such ' : ''}level's runs.`
      : peak.single
        ? `Highest throughput${among} at ${peak.level} (${figure}) in a single run per level, which has no spread to tell a difference from noise: no clear peak; more runs (--runs) can tell.`
        : `Highest median throughput${among} at ${peak.level} (${figure}), but its runs overlap another level's: no clear peak.`;
  const leftOut = failed === '' ? '' : ` Left out, for failed inputs: ${failed}.`;
  const adaptive = c.strategies.find((s) => s.adaptive !== undefined);
  return adaptive === undefined
    ? `${line}${leftOut}`
    : `${line}${leftOut} ${sweepAdaptiveLine(c, adaptive, best, peak.level)}`;
}

/** `adaptive (a limit of 17.3 on average, 2–90): 202 tasks/s, 0.98 × the peak's.` */
function sweepAdaptiveLine(
  c: Comparison,
  s: StrategyMeasurement,
  peak: StrategyMeasurement,
  level: number,
): string {
  const limit = s.adaptive!.limit;
  const rate = sweepThroughput(c, s).median;
  const ratio = rate / sweepThroughput(c, peak).median;
  return (
    `${s.level} (${formatSignificant(limit.mean)} on average, between ${limit.min} and ${limit.max}): ` +
    `${formatRate(rate, 'tasks')}, ${formatSignificant(ratio)} × the throughput at ${level}` +
    (s.failed > 0 ? `, though ${failedText(s, c.inputs)}.` : '.')
  );
}
