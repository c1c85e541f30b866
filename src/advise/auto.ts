/**
 * `strategy: 'auto'`: the advisor on the first inputs of a job, for the executor (and `--strategy auto`)
 * to run the rest with the winner.
 */

import { performance } from 'node:perf_hooks';
import type { StrategyName } from '../core/options.js';
import type { Executor, OpenConfig } from '../executor/executor.js';
import { advise } from './advise.js';
import { SampleBank } from './bank.js';
import type { Advice, AdviseOptions } from './types.js';

/**
 * The most inputs `auto` reads ahead for its sample. The advisor runs fresh ones before repeating any,
 * and their results are the job's: a larger sample costs memory, not time.
 */
export const AUTO_SAMPLE_MAX = 500;
/** The advisor's time budget under `auto`, in ms: a job that wants `auto` wants to get going. */
export const AUTO_BUDGET_MS = 3000;
/**
 * …and at most this share of the job's projected sequential time: advising must not cost more than it
 * saves. A quarter, since most of what it spends runs the job's own inputs (their results are kept).
 */
export const AUTO_MAX_SHARE_OF_JOB = 0.25;

/** How many of the first inputs `auto` samples from a job of `total` inputs (null: unknown, as for a stream). */
export function autoSampleSize(total: number | null): number {
  return total === null ? AUTO_SAMPLE_MAX : Math.min(total, AUTO_SAMPLE_MAX);
}

export interface AutoChoice {
  strategy: StrategyName;
  concurrency: number;
  /** Tasks in flight per worker: above 1, the hybrid. */
  inFlight: number;
  /** For a task that mostly waits: the limit moves while the job runs, from `concurrency` (see Verdict). */
  adaptive?: { min: number; max: number; floorMs: number };
  /** Everything measured, and the verdict's reasons (`advice.verdict.reasons`) to show the user. */
  advice: Advice;
  /**
   * Results the advisor got for sampled inputs, by their index in the sample: the job's own, which the
   * executor hands out instead of running those inputs again.
   */
  kept: ReadonlyMap<number, unknown>;
  /** How long choosing took, in ms, sampling and probing included (the kept results were made in it). */
  costMs: number;
  /** Workers the advisor started with the job's own options, of the chosen configuration: the job's to adopt. */
  warm?: Executor;
}

export interface ChooseStrategyOptions extends Omit<AdviseOptions, 'inputs'> {
  /** The job's first inputs (see `autoSampleSize`); results the advisor got for them are in `kept`. */
  sample: readonly unknown[];
  /** The job's time-out per task, in ms: a result that took longer is not kept. */
  timeout?: number;
  /**
   * Opens an executor with the job's own options: the workers the advisor starts with it are handed
   * back in `warm` when they are what it chose.
   */
  open?: (config: OpenConfig) => Executor;
}

/**
 * Picks a strategy and concurrency for a job from its first inputs. The task runs on them while
 * advising, fresh ones first, some (once the fresh ones are used up) more than once; the results of
 * fresh inputs are returned in `kept`, and the caller runs the rest of the job.
 *
 * @example
 * const first = inputs.slice(0, autoSampleSize(inputs.length));
 * const { strategy, concurrency, kept } = await chooseStrategy({ task, sample: first, total: inputs.length });
 */
export async function chooseStrategy(options: ChooseStrategyOptions): Promise<AutoChoice> {
  const { sample, timeout, open, ...rest } = options;
  const started = performance.now();
  const bank = new SampleBank(sample, timeout, open);
  let advice: Advice;
  try {
    advice = await advise(
      {
        ...rest,
        ...(timeout === undefined ? {} : { timeout }),
        inputs: sample,
        total: rest.total === undefined ? sample.length : rest.total,
        budgetMs: rest.budgetMs ?? AUTO_BUDGET_MS,
        maxShareOfJob: rest.maxShareOfJob ?? AUTO_MAX_SHARE_OF_JOB,
      },
      bank,
    );
  } catch (error) {
    await bank.closeWarm();
    throw error;
  }
  const { strategy, concurrency, inFlight, adaptive } = advice.verdict;
  const warm = await bank.takeWarm({ strategy, concurrency, inFlight, adaptive });
  return {
    strategy,
    concurrency,
    inFlight,
    ...(adaptive === undefined ? {} : { adaptive }),
    ...(warm === undefined ? {} : { warm }),
    advice,
    kept: bank.kept,
    costMs: performance.now() - started,
  };
}
