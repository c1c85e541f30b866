/**
 * `strategy: 'auto'`: the advisor on the first inputs of a job, for the executor (and `--strategy auto`)
 * to run the rest with the winner.
 */
import type { StrategyName } from '../core/options.js';
import { advise } from './advise.js';
import type { Advice, AdviseOptions } from './types.js';

/** The share of a job's inputs sampled by `auto`… */
export const AUTO_SAMPLE_SHARE = 0.05;
/** …but at least this many (or all of them, when the job is smaller)… */
export const AUTO_SAMPLE_MIN = 20;
/** …and at most this many. */
export const AUTO_SAMPLE_MAX = 500;
/** The advisor's time budget under `auto`, in ms: a job that wants `auto` wants to get going. */
export const AUTO_BUDGET_MS = 3000;
/** …and at most this share of the job's projected sequential time: advising must not cost more than it saves. */
export const AUTO_MAX_SHARE_OF_JOB = 0.1;

/** How many of the first inputs `auto` samples from a job of `total` inputs (null: unknown, as for a stream). */
export function autoSampleSize(total: number | null): number {
  if (total === null) return AUTO_SAMPLE_MAX;
  const share = Math.ceil(total * AUTO_SAMPLE_SHARE);
  return Math.min(total, AUTO_SAMPLE_MAX, Math.max(AUTO_SAMPLE_MIN, share));
}

export interface AutoChoice {
  strategy: StrategyName;
  concurrency: number;
  /** Tasks in flight per worker: above 1, the hybrid. */
  inFlight: number;
  /** Everything measured, and the verdict's reasons (`advice.verdict.reasons`) to show the user. */
  advice: Advice;
}

export interface ChooseStrategyOptions extends Omit<AdviseOptions, 'inputs'> {
  /** The job's first inputs (see `autoSampleSize`); they are run during the choice and not kept. */
  sample: readonly unknown[];
}

/**
 * Picks a strategy and concurrency for a job from its first inputs. The task runs on them while
 * advising, some more than once; the caller then runs the whole job, the sampled inputs included.
 *
 * @example
 * const first = inputs.slice(0, autoSampleSize(inputs.length));
 * const { strategy, concurrency, advice } = await chooseStrategy({ task, sample: first, total: inputs.length });
 */
export async function chooseStrategy(options: ChooseStrategyOptions): Promise<AutoChoice> {
  const { sample, ...rest } = options;
  const advice = await advise({
    ...rest,
    inputs: sample,
    total: rest.total === undefined ? sample.length : rest.total,
    budgetMs: rest.budgetMs ?? AUTO_BUDGET_MS,
    maxShareOfJob: rest.maxShareOfJob ?? AUTO_MAX_SHARE_OF_JOB,
  });
  const { strategy, concurrency, inFlight } = advice.verdict;
  return { strategy, concurrency, inFlight, advice };
}
