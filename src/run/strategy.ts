/**
 * Which strategy a run uses. `auto` is passed on to the executor, whose advisor samples the first
 * inputs and picks; the run's summary then says what it chose and why.
 */
import { describe, OptionError } from '../errors.js';
import { type StrategyChoice as ExecutorStrategy, STRATEGIES } from '../options.js';

/** The strategies `fanout run` accepts. */
export const RUN_STRATEGIES: readonly ExecutorStrategy[] = [...STRATEGIES, 'auto'];
export type RunStrategy = ExecutorStrategy;
export const DEFAULT_RUN_STRATEGY: RunStrategy = 'threads';

export interface StrategyChoice {
  strategy: RunStrategy;
  /** Undefined: the strategy's default. */
  concurrency: number | undefined;
}

export function expectRunStrategy(value: unknown): RunStrategy {
  if (typeof value === 'string' && (RUN_STRATEGIES as readonly string[]).includes(value))
    return value as RunStrategy;
  throw new OptionError(
    `Expected \`strategy\` to be one of ${RUN_STRATEGIES.join(', ')}, got \`${describe(value)}\``,
  );
}

/** Async already, because `auto` will measure before it answers. */
export async function chooseStrategy(
  strategy: RunStrategy | undefined,
  concurrency: number | undefined,
): Promise<StrategyChoice> {
  return { strategy: expectRunStrategy(strategy ?? DEFAULT_RUN_STRATEGY), concurrency };
}
