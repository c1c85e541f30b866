/**
 * What `compare` measures: configurations (a strategy, its workers or limit, and tasks in flight per
 * worker), their names in every report, and a sweep (one strategy over a range of levels).
 *
 * The notation, one for the CLI, the reports and the docs: a level is `N` (workers for threads and
 * processes, tasks in flight for async) or `N×K` for the hybrid, N workers with K tasks in flight each
 * (typed `NxK` on a command line). A limit that moves while the job runs is `adaptive` (or
 * `adaptive:MIN-MAX` with bounds of its own) in place of the number that moves: `adaptive` for async's
 * tasks in flight, `2×adaptive` for the hybrid's tasks in flight per worker. A configuration is named by
 * its strategy alone when that is enough, else `threads 2×32`, `async adaptive`.
 */
import { describe, OptionError } from '../core/errors.js';
import {
  ADAPTIVE,
  ADAPTIVE_IN_FLIGHT_STRATEGIES,
  type AdaptiveBounds,
  type AdaptiveConcurrency,
  adaptiveRefusal,
  DEFAULT_ADAPTIVE_IN_FLIGHT,
  DEFAULT_ADAPTIVE_MAX,
  DEFAULT_ADAPTIVE_MIN,
  defaultConcurrency,
  expectPositiveInteger,
  isStrategyName,
  parseAdaptive,
  STRATEGIES,
  type StrategyName,
} from '../core/options.js';

/** The sign between workers and tasks in flight per worker, as the reports print it. */
export const IN_FLIGHT_SIGN = '×';

/** One thing `compare` measures: a strategy, its concurrency, and (threads, processes) tasks in flight per worker. */
export interface Configuration {
  strategy: StrategyName;
  /**
   * Workers for threads and processes, tasks in flight for async; 1 for sequential. `'adaptive'` (or
   * `'adaptive:MIN-MAX'`) under async and distributed: the limit moves while the job runs.
   * @default the executor's
   */
  concurrency?: number | AdaptiveConcurrency;
  /**
   * Tasks in flight per worker under threads and processes: the hybrid when above 1, or
   * `'adaptive'` (`'adaptive:MIN-MAX'`): a limit per worker that moves while the job runs.
   * @default 1
   */
  inFlight?: number | AdaptiveConcurrency;
}

/** Which number of a configuration moves while the job runs, and within what. */
export interface AdaptiveLevel {
  /** `concurrency` (async, distributed) or `inFlight` (threads, processes: per worker). */
  moves: 'concurrency' | 'inFlight';
  bounds: AdaptiveBounds;
}

/**
 * A configuration with every default filled in. Under an adaptive limit, the number that moves holds
 * the limit it starts from (as the executor reports it), and `adaptive` says which it is.
 */
export interface ResolvedConfiguration {
  strategy: StrategyName;
  concurrency: number;
  inFlight: number;
  adaptive?: AdaptiveLevel;
}

/** `adaptive` with the default bounds, else `adaptive:4-256`: the setting as a user types it. */
export function adaptiveSetting(bounds: AdaptiveBounds): AdaptiveConcurrency {
  return bounds.min === DEFAULT_ADAPTIVE_MIN && bounds.max === DEFAULT_ADAPTIVE_MAX
    ? ADAPTIVE
    : `${ADAPTIVE}:${bounds.min}-${bounds.max}`;
}

/** The executor's `concurrency` and `inFlight` for a resolved configuration: the adaptive setting where it moves. */
export function executorLevel(c: ResolvedConfiguration): {
  concurrency: number | AdaptiveConcurrency;
  inFlight?: number | AdaptiveConcurrency;
} {
  const setting = c.adaptive && adaptiveSetting(c.adaptive.bounds);
  if (c.adaptive?.moves === 'concurrency') return { concurrency: setting! };
  if (c.adaptive?.moves === 'inFlight') return { concurrency: c.concurrency, inFlight: setting! };
  return { concurrency: c.concurrency, ...(c.inFlight > 1 ? { inFlight: c.inFlight } : {}) };
}

/** One strategy over a range of levels: of workers (or async's limit), or of tasks in flight per worker. */
export interface Sweep {
  strategy: StrategyName;
  /** What changes from one level to the next. */
  varies: 'concurrency' | 'inFlight';
  /** The workers, fixed, when `varies` is 'inFlight'. @default the executor's */
  concurrency?: number;
  /** The levels, ascending. */
  levels: number[];
  /**
   * An extra row after the levels, at an adaptive limit in place of the level that varies:
   * `async adaptive`, or `threads 2×adaptive` for a sweep of tasks in flight.
   * @example 'adaptive:1-256'
   */
  adaptive?: AdaptiveConcurrency;
}

/** `2`, `2×32`, or with a moving limit `adaptive`, `adaptive:4-256`, `2×adaptive`. */
export function formatLevel(concurrency: number, inFlight = 1, adaptive?: AdaptiveLevel): string {
  if (adaptive?.moves === 'concurrency') return adaptiveSetting(adaptive.bounds);
  if (adaptive?.moves === 'inFlight')
    return `${concurrency}${IN_FLIGHT_SIGN}${adaptiveSetting(adaptive.bounds)}`;
  return inFlight > 1 ? `${concurrency}${IN_FLIGHT_SIGN}${inFlight}` : String(concurrency);
}

/**
 * A configuration's name in the reports: the strategy alone when it is the only one of its strategy and
 * runs one task per worker at a fixed limit, else the strategy and its level (`threads 2×32`,
 * `async 64`, `async adaptive`, `threads 2×adaptive:1-64`).
 */
export function configurationName(
  strategy: string,
  concurrency: number,
  inFlight: number,
  alone: boolean,
  adaptive?: AdaptiveLevel,
): string {
  return alone && inFlight <= 1 && adaptive === undefined
    ? strategy
    : `${strategy} ${formatLevel(concurrency, inFlight, adaptive)}`;
}

/** A fixed level: a positive integer; where the strategy could move it, the message names the adaptive forms too. */
function expectLevel(name: string, value: unknown, canAdapt: boolean): number {
  if (canAdapt && typeof value !== 'number') {
    throw new OptionError(
      `Expected \`${name}\` to be a positive integer, 'adaptive' or 'adaptive:MIN-MAX', got \`${describe(value)}\``,
    );
  }
  return expectPositiveInteger(name, value);
}

/** An adaptive `concurrency` or `inFlight`, checked against the strategy; undefined for a number. */
function resolveAdaptive(c: Configuration): ResolvedConfiguration | undefined {
  const concurrency = parseAdaptive(c.concurrency, 'concurrency');
  const inFlight = parseAdaptive(c.inFlight, 'inFlight');
  if (concurrency !== undefined && inFlight !== undefined) {
    throw new OptionError(
      `Expected one adaptive figure per configuration, got \`concurrency\` and \`inFlight\` both adaptive under ${c.strategy}`,
    );
  }
  if (concurrency !== undefined) {
    const refusal = adaptiveRefusal(c.strategy);
    if (refusal !== undefined) throw new OptionError(refusal);
    const start = Math.min(concurrency.max, Math.max(concurrency.min, defaultConcurrency(c.strategy)));
    return {
      strategy: c.strategy,
      concurrency: start,
      inFlight: 1,
      adaptive: { moves: 'concurrency', bounds: concurrency },
    };
  }
  if (inFlight === undefined) return undefined;
  if (!(ADAPTIVE_IN_FLIGHT_STRATEGIES as readonly string[]).includes(c.strategy)) {
    throw new OptionError(
      `\`inFlight: 'adaptive'\` moves the tasks in flight per worker of threads and processes, not ${c.strategy}${c.strategy === 'async' ? ": use `concurrency: 'adaptive'`" : ''}`,
    );
  }
  return {
    strategy: c.strategy,
    concurrency:
      c.concurrency === undefined
        ? defaultConcurrency(c.strategy)
        : expectPositiveInteger('concurrency', c.concurrency),
    inFlight: Math.min(inFlight.max, Math.max(inFlight.min, DEFAULT_ADAPTIVE_IN_FLIGHT)),
    adaptive: { moves: 'inFlight', bounds: inFlight },
  };
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
    const adaptive = resolveAdaptive(c);
    if (adaptive !== undefined) return adaptive;
    const out: ResolvedConfiguration = {
      strategy: c.strategy,
      concurrency:
        c.concurrency === undefined
          ? defaultConcurrency(c.strategy)
          : expectLevel('concurrency', c.concurrency, adaptiveRefusal(c.strategy) === undefined),
      inFlight:
        c.inFlight === undefined
          ? 1
          : expectLevel(
              'inFlight',
              c.inFlight,
              (ADAPTIVE_IN_FLIGHT_STRATEGIES as readonly string[]).includes(c.strategy),
            ),
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
  const configurations: Configuration[] = sweep.levels.map((level) =>
    sweep.varies === 'inFlight'
      ? { strategy: sweep.strategy, concurrency: sweep.concurrency, inFlight: level }
      : { strategy: sweep.strategy, concurrency: level },
  );
  if (sweep.adaptive !== undefined) {
    configurations.push(
      sweep.varies === 'inFlight'
        ? { strategy: sweep.strategy, concurrency: sweep.concurrency, inFlight: sweep.adaptive }
        : { strategy: sweep.strategy, concurrency: sweep.adaptive },
    );
  }
  return resolveConfigurations(configurations);
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
