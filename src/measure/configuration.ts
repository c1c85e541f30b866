/**
 * What `compare` measures: configurations (a strategy, its workers or limit, and tasks in flight per
 * worker), their names in every report, and a sweep (one strategy over a range of levels).
 *
 * The notation, one for the CLI, the reports and the docs: a level is `N` (workers for threads and
 * processes, tasks in flight for async) or `N×K` for the hybrid, N workers with K tasks in flight each
 * (typed `NxK` on a command line). A configuration is named by its strategy alone when that is enough,
 * else `threads 2×32`.
 */
import { OptionError } from '../core/errors.js';
import {
  defaultConcurrency,
  expectPositiveInteger,
  isStrategyName,
  STRATEGIES,
  type StrategyName,
} from '../core/options.js';

/** The sign between workers and tasks in flight per worker, as the reports print it. */
export const IN_FLIGHT_SIGN = '×';

/** One thing `compare` measures: a strategy, its concurrency, and (threads, processes) tasks in flight per worker. */
export interface Configuration {
  strategy: StrategyName;
  /** Workers for threads and processes, tasks in flight for async; 1 for sequential. @default the executor's */
  concurrency?: number;
  /** Tasks in flight per worker under threads and processes: the hybrid when above 1. @default 1 */
  inFlight?: number;
}

/** A configuration with every default filled in. */
export type ResolvedConfiguration = Required<Configuration>;

/** One strategy over a range of levels: of workers (or async's limit), or of tasks in flight per worker. */
export interface Sweep {
  strategy: StrategyName;
  /** What changes from one level to the next. */
  varies: 'concurrency' | 'inFlight';
  /** The workers, fixed, when `varies` is 'inFlight'. @default the executor's */
  concurrency?: number;
  /** The levels, ascending. */
  levels: number[];
}

/** `2` or `2×32`. */
export function formatLevel(concurrency: number, inFlight = 1): string {
  return inFlight > 1 ? `${concurrency}${IN_FLIGHT_SIGN}${inFlight}` : String(concurrency);
}

/**
 * A configuration's name in the reports: the strategy alone when it is the only one of its strategy and
 * runs one task per worker, else the strategy and its level (`threads 2×32`, `async 64`).
 */
export function configurationName(
  strategy: string,
  concurrency: number,
  inFlight: number,
  alone: boolean,
): string {
  return alone && inFlight <= 1 ? strategy : `${strategy} ${formatLevel(concurrency, inFlight)}`;
}

/** Validates configurations at the door, so a typo fails before minutes of measuring; fills the defaults. */
export function resolveConfigurations(configurations: readonly Configuration[]): ResolvedConfiguration[] {
  if (configurations.length === 0) {
    throw new OptionError('Expected `configurations` to hold at least one configuration');
  }
  return configurations.map((c) => {
    if (!isStrategyName(c.strategy)) {
      throw new OptionError(
        `Expected a strategy among ${STRATEGIES.join(', ')}, got \`${String(c.strategy)}\``,
      );
    }
    const out: ResolvedConfiguration = {
      strategy: c.strategy,
      concurrency:
        c.concurrency === undefined
          ? defaultConcurrency(c.strategy)
          : expectPositiveInteger('concurrency', c.concurrency),
      inFlight: c.inFlight === undefined ? 1 : expectPositiveInteger('inFlight', c.inFlight),
    };
    if (out.inFlight > 1 && c.strategy !== 'threads' && c.strategy !== 'processes') {
      throw new OptionError(
        `Expected \`inFlight\` to be 1 under ${c.strategy}, got \`${out.inFlight}\`: tasks in flight per worker apply to threads and processes`,
      );
    }
    if (c.strategy === 'sequential' && out.concurrency !== 1) {
      throw new OptionError(`Expected \`concurrency\` to be 1 under sequential, got \`${out.concurrency}\``);
    }
    return out;
  });
}

/** The configurations a sweep measures, one per level. */
export function sweepConfigurations(sweep: Sweep): ResolvedConfiguration[] {
  if (sweep.levels.length === 0) throw new OptionError('Expected a sweep to hold at least one level');
  return resolveConfigurations(
    sweep.levels.map((level) =>
      sweep.varies === 'inFlight'
        ? { strategy: sweep.strategy, concurrency: sweep.concurrency, inFlight: level }
        : { strategy: sweep.strategy, concurrency: level },
    ),
  );
}

/**
 * The levels from `from` to `to`: doubling (`1..8` is 1, 2, 4, 8; `3..20` is 3, 6, 12, 20), or in steps
 * of `step` when given. `to` is always the last level.
 */
export function levelRange(from: number, to: number, step?: number): number[] {
  const levels: number[] = [];
  for (let level = from; level < to; level = step === undefined ? level * 2 : level + step)
    levels.push(level);
  levels.push(to);
  return levels;
}
