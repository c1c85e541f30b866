/**
 * Which strategy a run uses: the one place where `--strategy auto` will plug in, once the advisor
 * exists (it will sample the task here and return its verdict, with its reason).
 */
import { describe, OptionError } from '../errors.js';
import { STRATEGIES, type StrategyName } from '../options.js';

/** The strategies `fanout run` accepts today. */
export const RUN_STRATEGIES: readonly StrategyName[] = STRATEGIES;
export type RunStrategy = StrategyName;
export const DEFAULT_RUN_STRATEGY: RunStrategy = 'threads';

export interface StrategyChoice {
  strategy: StrategyName;
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
