/**
 * The public executor: the executor of src/executor/ with the advisor behind `strategy: 'auto'`. It
 * lives above both, so that the executor never imports the advisor.
 */
import { AUTO_BUDGET_MS, type AutoChoice, autoSampleSize, chooseStrategy } from '../advise/auto.js';
import { describe, OptionError } from '../core/errors.js';
import type { ExecutorOptions } from '../core/options.js';
import { Executor as FixedExecutor, type StrategyChooser } from '../executor/executor.js';

export interface AutoExecutorOptions extends ExecutorOptions {
  /**
   * Under `strategy: 'auto'`: about how long the advisor may spend choosing, in ms. A soft limit;
   * the advisor stops sooner when the choice is clear, and results it gets for the job's inputs are
   * kept.
   * @default AUTO_BUDGET_MS (3 s)
   */
  advisorBudget?: number;
}

function expectBudget(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OptionError(
      `Expected \`advisorBudget\` to be a positive number of ms, got \`${describe(value)}\``,
    );
  }
  return value;
}

/** The executor's own options, and the advisor's budget (anything but an object is left for the executor to refuse). */
function splitBudget(options: AutoExecutorOptions): [ExecutorOptions, number] {
  if (options === null || typeof options !== 'object') return [options, AUTO_BUDGET_MS];
  const { advisorBudget, ...rest } = options;
  return [rest, advisorBudget === undefined ? AUTO_BUDGET_MS : expectBudget(advisorBudget)];
}

function advisor(budgetMs: number): StrategyChooser {
  return {
    sampleSize: autoSampleSize,
    choose: (request) => chooseStrategy({ ...request, budgetMs }),
  };
}

/**
 * Runs one task module under one strategy, or under `auto`, the one the advisor picks on the first
 * inputs.
 *
 * @example
 * const executor = createExecutor({ task: './task.js', strategy: 'threads' });
 * const results = await executor.map([1, 2, 3]);
 * await executor.close();
 */
export class Executor<I = unknown, O = unknown> extends FixedExecutor<I, O> {
  constructor(options: AutoExecutorOptions) {
    const [rest, budgetMs] = splitBudget(options);
    super(rest, advisor(budgetMs));
  }

  /**
   * Under `strategy: 'auto'`, what the advisor chose and why (`choice.advice.verdict.reasons`), what
   * it cost (`choice.costMs`) and which results it kept (`choice.kept`).
   */
  override get choice(): AutoChoice | undefined {
    return super.choice as AutoChoice | undefined;
  }
}

export function createExecutor<I = unknown, O = unknown>(options: AutoExecutorOptions): Executor<I, O> {
  return new Executor<I, O>(options);
}
