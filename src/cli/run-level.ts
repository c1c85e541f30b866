/**
 * `fanout run`'s `--concurrency` and `--in-flight`: compare's one notation (`8`, `async=adaptive`,
 * `threads=2x8`, `threads=2xadaptive:1-16`, parsed by compare's own parser), where a bare item may also
 * be `NxK` or `adaptive[:MIN-MAX]` since `--strategy` names the one strategy it is for. What the
 * strategy cannot take is refused in one line that names the flags, never the library's options.
 */
import type { AdaptiveConcurrency, StrategyChoice, StrategyName } from '../core/options.js';
import { type ConcurrencyItem, parseConcurrencyItems, parseLevel } from './configurations.js';
import { CliError } from './errors.js';

const OPTION = '--concurrency';

/** What `fanout run` runs with: the limit (or workers), and the tasks in flight per worker. */
export interface RunLevel {
  /** Undefined: the strategy's default. */
  concurrency?: number | AdaptiveConcurrency;
  inFlight: number | AdaptiveConcurrency;
}

/** The flags a run's level comes from, and how its strategy was chosen. */
export interface RunLevelFlags {
  strategy: StrategyChoice;
  /** The strategy is auto because none was named: errors say `--strategy auto (the default)`. */
  byDefault: boolean;
  concurrency?: ConcurrencyItem[];
  /** `--in-flight`, its default (1) included. */
  inFlight: number | AdaptiveConcurrency;
  /** `--in-flight` was typed, not its default. */
  inFlightGiven: boolean;
}

/**
 * `8`, `2x8`, `adaptive:4-256`, `threads=2xadaptive`, `8,async=adaptive` …: compare's items, each item
 * that names a strategy checked by compare's parser, a bare one read as a level for `--strategy`.
 */
export function parseRunConcurrency(text: string): ConcurrencyItem[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  // Nothing but commas: compare's parser says what it expected.
  if (items.length === 0) return parseConcurrencyItems(text);
  return items.flatMap((item) =>
    item.includes('=') ? parseConcurrencyItems(item) : [parseLevel(OPTION, item)],
  );
}

/** `--in-flight K` or `--in-flight adaptive[:MIN-MAX]`. */
export function parseRunInFlight(text: string): number | AdaptiveConcurrency {
  const option = '--in-flight';
  const level = parseLevel(option, text);
  if (level.inFlight !== undefined) {
    throw new CliError(
      `${option}: expected a whole number, adaptive or adaptive:MIN-MAX, got \`${text.trim()}\``,
    );
  }
  return level.concurrency;
}

/** `--strategy auto (the default)` when no strategy was named, else `--strategy NAME`. */
export function strategyFlag(strategy: StrategyChoice, byDefault: boolean): string {
  return `--strategy ${strategy}${byDefault ? ' (the default)' : ''}`;
}

/** An item as typed: `threads=2x8`, `adaptive`. */
function itemText(item: ConcurrencyItem): string {
  const level = `${item.concurrency}${item.inFlight === undefined ? '' : `x${item.inFlight}`}`;
  return item.strategy === undefined ? level : `${item.strategy}=${level}`;
}

const isAdaptive = (value: number | AdaptiveConcurrency | undefined): boolean => typeof value === 'string';

/** Why `--in-flight` does not apply under a strategy other than threads and processes. */
const IN_FLIGHT_ELSEWHERE: Record<Exclude<StrategyChoice, 'threads' | 'processes'>, string> = {
  auto: 'the advisor picks the tasks in flight itself',
  async: '--concurrency is the tasks in flight',
  sequential: 'one task runs at a time',
  distributed: 'each fanout worker takes its own --in-flight',
};

/** `--in-flight` above 1 (or adaptive) under a strategy without workers that take it: one line. */
function checkInFlight(flags: RunLevelFlags, under: string): void {
  const { strategy, inFlight } = flags;
  if (strategy === 'threads' || strategy === 'processes') return;
  if (!isAdaptive(inFlight) && inFlight === 1) return;
  const flag = isAdaptive(inFlight) ? `--in-flight ${inFlight}` : '--in-flight';
  const instead =
    strategy === 'async' && isAdaptive(inFlight)
      ? `use --concurrency ${inFlight}`
      : IN_FLIGHT_ELSEWHERE[strategy];
  throw new CliError(`${flag} applies to --strategy threads or processes; under ${under}, ${instead}`);
}

/** The one item that applies to `strategy`: the one naming it, else the last bare one. */
function itemFor(items: readonly ConcurrencyItem[], strategy: StrategyName): ConcurrencyItem | undefined {
  const named = items.filter((item) => item.strategy === strategy);
  if (named.length > 1) {
    throw new CliError(
      `${OPTION}: ${named.map(itemText).join(' and ')} name ${strategy} twice; fanout run runs one configuration (compare measures several)`,
    );
  }
  const item = named[0] ?? items.filter((each) => each.strategy === undefined).at(-1);
  if (item === undefined && strategy !== 'sequential') {
    throw new CliError(
      `${OPTION}: no value for --strategy ${strategy} in \`${items.map(itemText).join(',')}\``,
    );
  }
  return item;
}

/** Under auto: one number for every strategy, nothing that moves or names a strategy. */
function autoLevel(items: readonly ConcurrencyItem[], under: string): number | undefined {
  for (const item of items) {
    if (isAdaptive(item.concurrency) || isAdaptive(item.inFlight)) {
      throw new CliError(
        `${OPTION} ${itemText(item)} is not yet available under ${under}, which picks an adaptive limit itself for a task that mostly waits: name --strategy async (or threads with --in-flight adaptive) to choose one`,
      );
    }
    if (item.inFlight !== undefined) {
      throw new CliError(
        `${OPTION} ${itemText(item)}: under ${under}, the advisor picks the tasks in flight per worker itself; give one number, or name --strategy threads or processes`,
      );
    }
    if (item.strategy !== undefined) {
      throw new CliError(
        `${OPTION}: ${under} takes one number, not a value per strategy (got \`${itemText(item)}\`)`,
      );
    }
  }
  const last = items.at(-1)?.concurrency;
  return typeof last === 'number' ? last : undefined;
}

/**
 * The level `fanout run` runs at under its strategy, from `--concurrency` and `--in-flight`, or a
 * CliError in one line naming the flags: adaptive where the strategy cannot move, NxK where there are no
 * workers, a K that contradicts `--in-flight`.
 */
export function runLevel(flags: RunLevelFlags): RunLevel {
  const { strategy } = flags;
  const under = strategyFlag(strategy, flags.byDefault);
  checkInFlight(flags, under);
  const items = flags.concurrency;
  if (items === undefined) return { inFlight: flags.inFlight };
  if (strategy === 'auto') return { concurrency: autoLevel(items, under), inFlight: flags.inFlight };
  const item = itemFor(items, strategy);
  if (item === undefined) return { inFlight: flags.inFlight };
  if (isAdaptive(item.concurrency)) {
    if (strategy === 'sequential') {
      throw new CliError(
        `${OPTION} ${itemText(item)} needs tasks in flight to adapt, and ${under} runs one at a time: use --strategy async`,
      );
    }
    if (strategy === 'threads' || strategy === 'processes') {
      throw new CliError(
        `${OPTION} ${itemText(item)} is not available under ${under}, whose workers are fixed: use --in-flight adaptive to move the tasks in flight per worker, or --strategy async`,
      );
    }
  }
  if (item.inFlight === undefined) {
    // A bare number is for async, threads and processes: sequential runs one at a time whatever it says.
    if (strategy === 'sequential') return { inFlight: flags.inFlight };
    return { concurrency: item.concurrency, inFlight: flags.inFlight };
  }
  if (strategy !== 'threads' && strategy !== 'processes') {
    throw new CliError(
      `${OPTION} ${itemText(item)}: NxK (workers × tasks in flight each) applies to --strategy threads or processes, not ${strategy}`,
    );
  }
  if (flags.inFlightGiven && flags.inFlight !== item.inFlight) {
    throw new CliError(
      `${OPTION} ${itemText(item)} gives ${item.inFlight} tasks in flight per worker and --in-flight ${flags.inFlight} says otherwise: give one of them`,
    );
  }
  return { concurrency: item.concurrency, inFlight: item.inFlight };
}
