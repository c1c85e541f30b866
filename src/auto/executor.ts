/**
 * The public executor: the executor of src/executor/ with the advisor behind `strategy: 'auto'`. It
 * lives above both, so that the executor never imports the advisor.
 */
import { type AutoChoice, autoSampleSize, chooseStrategy } from '../advise/auto.js';
import type { ExecutorOptions } from '../core/options.js';
import { Executor as FixedExecutor, type StrategyChooser } from '../executor/executor.js';

const advisor: StrategyChooser = {
  sampleSize: autoSampleSize,
  choose: chooseStrategy,
};

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
  constructor(options: ExecutorOptions) {
    super(options, advisor);
  }

  /** Under `strategy: 'auto'`, what the advisor chose and why (`choice.advice.verdict.reasons`). */
  override get choice(): AutoChoice | undefined {
    return super.choice as AutoChoice | undefined;
  }
}

export function createExecutor<I = unknown, O = unknown>(options: ExecutorOptions): Executor<I, O> {
  return new Executor<I, O>(options);
}
