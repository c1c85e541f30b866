/**
 * A sweep as text: throughput against level, one row per level with a bar, for the terminal and
 * Markdown. Pure: a comparison in, strings out; nothing when the comparison was not a sweep.
 */
import { formatRate } from '../core/units.js';
import { formatLevel, IN_FLIGHT_SIGN, type Sweep } from '../measure/configuration.js';
import type { Comparison, StrategyMeasurement } from '../measure/types.js';

/** The longest bar, in characters: the highest median throughput. */
export const SWEEP_BAR_WIDTH = 32;
const BAR = '█';

export const SWEEP_COLUMNS = ['level', 'tasks/s (median)', 'min … max', ''] as const;

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

/** One row per level: the level, the median throughput, its range, a bar to scale. */
export function sweepRows(c: Comparison): string[][] {
  const sweep = c.sweep;
  if (sweep === undefined) return [];
  const highest = Math.max(0, ...c.strategies.map((s) => s.throughput.median));
  return c.strategies.map((s) => {
    const share = highest > 0 && Number.isFinite(s.throughput.median) ? s.throughput.median / highest : 0;
    return [
      String(sweepLevel(sweep, s)),
      formatRate(s.throughput.median),
      `${formatRate(s.throughput.min)} … ${formatRate(s.throughput.max)}`,
      BAR.repeat(Math.max(share > 0 ? 1 : 0, Math.round(share * SWEEP_BAR_WIDTH))),
    ];
  });
}

/**
 * The level with the highest median throughput, and whether its runs stand clear of every other
 * level's (its slowest run above their fastest): only then does a report call it the best.
 */
export function sweepPeak(c: Comparison): { level: number; clear: boolean } | undefined {
  const sweep = c.sweep;
  if (sweep === undefined || c.strategies.length === 0) return undefined;
  const peak = c.strategies.reduce((a, b) => (b.throughput.median > a.throughput.median ? b : a));
  const clear = c.strategies.every((s) => s === peak || peak.throughput.min > s.throughput.max);
  return { level: sweepLevel(sweep, peak), clear };
}

/** The line under the sweep's table: what the figures say about the peak, and no more. */
export function sweepPeakLine(c: Comparison): string | undefined {
  const peak = sweepPeak(c);
  if (peak === undefined || c.sweep === undefined) return undefined;
  const best = c.strategies.find((s) => sweepLevel(c.sweep!, s) === peak.level)!;
  return peak.clear
    ? `Highest throughput at ${peak.level} (${formatRate(best.throughput.median, 'tasks')}), clear of every other level's runs.`
    : `Highest median throughput at ${peak.level} (${formatRate(best.throughput.median, 'tasks')}), but its runs overlap another level's: no clear peak.`;
}
