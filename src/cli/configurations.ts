/**
 * What `fanout compare` measures, from its options: `--strategies` with `--concurrency` (one number,
 * per strategy, the hybrid as `threads=2x32`, a moving limit as `async=adaptive` or
 * `threads=2xadaptive:1-64`, a strategy named twice measured twice), or `--sweep` (one strategy over a
 * range of levels, and an adaptive row if asked). Every bad value is a CliError (exit 2) that names the
 * option, what was expected and what arrived.
 */
import { OptionError } from '../core/errors.js';
import {
  ADAPTIVE,
  ADAPTIVE_STRATEGIES,
  type AdaptiveConcurrency,
  isStrategyName,
  parseAdaptive,
  STRATEGIES,
  type StrategyName,
} from '../core/options.js';
import { type Configuration, levelRange, type Sweep } from '../measure/configuration.js';
import { CliError } from './errors.js';
import { parseCount } from './strategy-options.js';

const LIST_SEPARATOR = ',';
/** More levels than this is a typo, not a sweep: each level costs warm-up + runs over every input. */
export const MAX_SWEEP_LEVELS = 24;

/** One item of `--concurrency`: a level for one strategy, or (no strategy) for async, threads and processes. */
export interface ConcurrencyItem {
  strategy?: StrategyName;
  /** A number, or (async, distributed) `adaptive[:MIN-MAX]`. */
  concurrency: number | AdaptiveConcurrency;
  /** Tasks in flight per worker: the K of `threads=NxK`, a number or `adaptive[:MIN-MAX]`. */
  inFlight?: number | AdaptiveConcurrency;
}

/** `adaptive` or `adaptive:MIN-MAX` as typed (trimmed); undefined when the text is no such thing. */
function parseAdaptiveLevel(option: string, text: string): AdaptiveConcurrency | undefined {
  const trimmed = text.trim();
  // `adaptiv`, `adapt:4-8`: a misspelt adaptive is told the adaptive forms, not that it is no number.
  if (!trimmed.startsWith(ADAPTIVE.slice(0, 5))) return undefined;
  try {
    if (parseAdaptive(trimmed) !== undefined) return trimmed as AdaptiveConcurrency;
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
  }
  throw new CliError(
    `${option}: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got \`${trimmed}\``,
  );
}

function unknownStrategy(option: string, name: string): CliError {
  return new CliError(`${option}: unknown strategy \`${name}\` (expected ${STRATEGIES.join(', ')})`);
}

/**
 * `N`, or `NxK` (also `N×K`): N workers (or async's limit), K tasks in flight per worker; `adaptive`
 * (`adaptive:MIN-MAX`) in place of N for async's moving limit, or of K for the hybrid's.
 */
export function parseLevel(
  option: string,
  text: string,
): { concurrency: number | AdaptiveConcurrency; inFlight?: number | AdaptiveConcurrency } {
  const [workers, inFlight, ...rest] = text.split(/[x×]/);
  if (rest.length > 0 || workers === undefined) {
    throw new CliError(
      `${option}: expected N or NxK (N workers × K in flight each; adaptive in place of the number that moves), got \`${text.trim()}\``,
    );
  }
  const adaptive = parseAdaptiveLevel(option, workers);
  if (adaptive !== undefined && inFlight !== undefined) {
    throw new CliError(
      `${option}: the workers of NxK are fixed; write Nxadaptive to move the tasks in flight per worker, got \`${text.trim()}\``,
    );
  }
  const concurrency = adaptive ?? parseCount(option, workers, 1);
  if (inFlight === undefined) return { concurrency };
  const inFlightOption = `${option} (in flight per worker)`;
  return {
    concurrency,
    inFlight: parseAdaptiveLevel(inFlightOption, inFlight) ?? parseCount(inFlightOption, inFlight, 1),
  };
}

/** A moving `concurrency` applies to async and distributed: one line saying so otherwise. */
function checkAdaptive(
  option: string,
  strategy: StrategyName | undefined,
  item: string,
  concurrency: number | AdaptiveConcurrency,
  typed = strategy === undefined ? item : `${strategy}=${item}`,
): void {
  if (typeof concurrency === 'number') return;
  if (strategy !== undefined && ADAPTIVE_STRATEGIES.includes(strategy)) return;
  if (strategy === undefined) {
    throw new CliError(
      `${option}: adaptive needs a strategy (async=${item}, or threads=2x${item} for tasks in flight per worker), got \`${item}\``,
    );
  }
  if (strategy === 'sequential') {
    throw new CliError(`${option}: sequential always runs one task at a time, got \`${typed}\``);
  }
  throw new CliError(
    // threads and processes, the strategies left here, are plurals: threads' workers.
    `${option}: ${strategy}' workers are fixed; write ${strategy}=Nx${item} to move the tasks in flight per worker, got \`${typed}\``,
  );
}

/** Tasks in flight per worker apply to threads and processes only: one line saying so otherwise. */
function checkHybrid(
  option: string,
  strategy: StrategyName | undefined,
  item: string,
  inFlight?: number | AdaptiveConcurrency,
): void {
  if (inFlight === undefined) return;
  if (strategy === 'threads' || strategy === 'processes') return;
  if (strategy === undefined) {
    throw new CliError(
      `${option}: NxK needs a strategy, threads or processes (e.g. threads=${item}), got \`${item}\``,
    );
  }
  throw new CliError(
    `${option}: NxK (workers × tasks in flight each) applies to threads and processes, not ${strategy}, got \`${item}\`` +
      (strategy === 'async' ? ": async's one number is its tasks in flight" : ''),
  );
}

/**
 * `4` → 4 for async, threads and processes; `threads=4,async=32` → per strategy; `threads=2x32` → 2
 * worker threads with 32 tasks in flight each (the hybrid). A strategy named twice is measured twice
 * (`threads=2,threads=2x16`). Sequential always runs one at a time.
 */
export function parseConcurrencyItems(text: string): ConcurrencyItem[] {
  const option = '--concurrency';
  const items = text.split(LIST_SEPARATOR).map((item) => item.trim());
  if (items.every((item) => item === '')) {
    throw new CliError(`${option}: expected a number or strategy=number pairs, got \`${text}\``);
  }
  const parsed: ConcurrencyItem[] = [];
  for (const item of items) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq === -1) {
      const level = parseLevel(option, item);
      checkAdaptive(option, undefined, item, level.concurrency);
      checkHybrid(option, undefined, item, level.inFlight);
      parsed.push(level);
      continue;
    }
    const name = item.slice(0, eq).trim();
    if (!isStrategyName(name)) throw unknownStrategy(option, name);
    const level = parseLevel(`${option} ${name}`, item.slice(eq + 1));
    checkAdaptive(option, name, item.slice(eq + 1).trim(), level.concurrency);
    checkHybrid(option, name, item.slice(eq + 1).trim(), level.inFlight);
    if (name === 'sequential' && level.concurrency !== 1) {
      throw new CliError(`${option}: sequential always runs one task at a time, got \`${item}\``);
    }
    parsed.push({ strategy: name, ...level });
  }
  return parsed;
}

/**
 * The configurations to measure, in the order of `strategies`: each strategy once per item naming it,
 * else at the last bare number (async, threads, processes), else at its default.
 */
export function configurationsFor(
  strategies: readonly StrategyName[],
  items: readonly ConcurrencyItem[] = [],
): Configuration[] {
  // A level for a strategy not measured would be dropped without a word: refuse it, naming it.
  for (const item of items) {
    if (item.strategy === undefined || strategies.includes(item.strategy)) continue;
    const typed = `${item.strategy}=${item.concurrency}${item.inFlight === undefined ? '' : `x${item.inFlight}`}`;
    throw new CliError(
      `--concurrency: \`${typed}\` is for ${item.strategy}, which --strategies does not measure (${strategies.join(', ')}): add ${item.strategy} to --strategies, or leave it out`,
    );
  }
  // A bare item is always a number: adaptive needs a strategy (parseConcurrencyItems says so).
  const bare = items.filter((item) => item.strategy === undefined).at(-1);
  return strategies.flatMap((strategy): Configuration[] => {
    const named = items.filter((item) => item.strategy === strategy);
    if (named.length > 0) {
      return named.map((item) => ({
        strategy,
        concurrency: item.concurrency,
        ...(item.inFlight === undefined ? {} : { inFlight: item.inFlight }),
      }));
    }
    if (bare !== undefined && strategy !== 'sequential') return [{ strategy, concurrency: bare.concurrency }];
    return [{ strategy }];
  });
}

/**
 * `--sweep threads=1..8`: threads at 1, 2, 4, 8 workers (a range doubles, and always ends at its
 * top); `threads=1..4+1` steps by 1; `threads=2x1..64`: 2 workers at 1, 2, 4 … 64 tasks in flight
 * each; `async=1..256`: async's limit. `,adaptive` (or `,adaptive:MIN-MAX`) after the range adds a row
 * at a moving limit: `async adaptive`, or `threads 2×adaptive` for a sweep of tasks in flight.
 */
export function parseSweep(text: string): Sweep {
  const option = '--sweep';
  const [rangeText = '', adaptiveText, ...extra] = text.split(LIST_SEPARATOR);
  const match = /^\s*([a-z]+)\s*=\s*(?:(\d+)\s*[x×]\s*)?(\d+)\s*\.\.\s*(\d+)\s*(?:\+\s*(\d+))?\s*$/.exec(
    rangeText,
  );
  const adaptive =
    adaptiveText === undefined ? undefined : parseAdaptiveLevel(`${option} (after the range)`, adaptiveText);
  if (!match || extra.length > 0 || (adaptiveText !== undefined && adaptive === undefined)) {
    throw new CliError(
      `${option}: expected strategy=A..B (levels A to B, doubling), strategy=A..B+S (in steps of S) or ` +
        `threads=NxA..B (N workers, A to B in flight each), each optionally followed by ,adaptive, got \`${text}\``,
    );
  }
  const [, name = '', workers, fromText = '', toText = '', stepText] = match;
  if (!isStrategyName(name)) throw unknownStrategy(option, name);
  if (name === 'sequential')
    throw new CliError(`${option}: sequential has one level only (1), got \`${text}\``);
  if (workers !== undefined) checkHybrid(option, name, text.slice(text.indexOf('=') + 1).trim(), 1);
  const from = parseCount(option, fromText, 1);
  const to = parseCount(option, toText, 1);
  if (to <= from)
    throw new CliError(`${option}: expected the range to rise (A < B in A..B), got \`${text}\``);
  const step = stepText === undefined ? undefined : parseCount(`${option} step`, stepText, 1);
  const levels = levelRange(from, to, step);
  if (levels.length > MAX_SWEEP_LEVELS) {
    throw new CliError(
      `${option}: ${levels.length} levels is too many (at most ${MAX_SWEEP_LEVELS}): widen the step, or let the range double, got \`${text}\``,
    );
  }
  const extraRow = adaptive === undefined ? {} : { adaptive };
  if (workers === undefined) {
    if (adaptive !== undefined) checkAdaptive(option, name, adaptive, adaptive, text.trim());
    return { strategy: name, varies: 'concurrency', levels, ...extraRow };
  }
  return {
    strategy: name,
    varies: 'inFlight',
    concurrency: parseCount(option, workers, 1),
    levels,
    ...extraRow,
  };
}
