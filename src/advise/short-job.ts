/**
 * Under `auto`, a job whose rest is too short for more advice to pay: decided from the sequential
 * sample alone, before any worker is started. Pure functions of the figures, with their reasons.
 */
import type { StrategyName } from '../core/options.js';
import { formatCount, formatLongDuration, formatPercent } from '../core/units.js';
import type { Character } from './classify.js';
import { CPU_BUSY_SHARE_MIN, WORKER_START_FLOOR_MS } from './thresholds.js';
import type { SampleFigures } from './types.js';
import { inputCount, RUN_SEQUENTIALLY } from './words.js';

export interface ShortJobInput {
  kind: Character;
  sample: SampleFigures;
  /** The job's size, and how many of its results the sample kept (the rest, failures included, are left). */
  total: number;
  kept: number;
  /** How long advising has taken so far, in ms. */
  sampledMs: number;
  cores: number;
  /** The most tasks in flight async may have, and the most workers (the user's limit, the job's size). */
  asyncCap: number;
  workerCap: number;
}

export interface ShortJob {
  strategy: StrategyName;
  concurrency: number;
  reasons: string[];
}

/**
 * The rest of the job is over before more advice could be: the sample ran every input, or the rest
 * would take no longer sequentially than sampling has taken. It is run under the model that is free
 * to start: async with every input left in flight at once where the task waits at all (its loop busy
 * and its CPU time both less than the CPU-bound share of its wall time), else sequentially. Null otherwise.
 *
 * Either side of the comparison, a waiting task runs under async (here, or from the adaptive start),
 * so a tenth of a millisecond more or less sampling never turns it sequential.
 */
export function overBeforeAdvice(input: ShortJobInput): ShortJob | null {
  const { kind, sample, total, kept, sampledMs } = input;
  const left = Math.max(0, total - kept);
  const restMs = left * sample.wallMs;
  if (sample.tried < total && restMs > sampledMs) return null;
  if (sample.tried >= total && left === 0) {
    return {
      strategy: 'sequential',
      concurrency: 1,
      reasons: [
        `The sample ran all ${inputCount(total)} of the job, one at a time, in ${formatLongDuration(sampledMs)}: ` +
          `the whole job was over before sampling was, so nothing is left to parallelise. ${RUN_SEQUENTIALLY}`,
      ],
    };
  }
  const rest =
    `The rest of the job, ${inputCount(left)}, would take about ${formatLongDuration(restMs)} sequentially ` +
    `(${inputCount(left)} × ${formatLongDuration(sample.wallMs)}, the sample's mean), no longer than advising ` +
    `has taken so far (${formatLongDuration(sampledMs)}): more advice would cost more than it could save.`;
  const inFlight = Math.min(left, Math.floor(input.asyncCap));
  // A task of a few microseconds reads its loop's busy share noisily; its CPU share says whether it
  // waits at all, and both must leave room for waiting before async is worth more than sequential.
  const waits = kind !== 'cpu-bound' && Math.max(sample.busyShare, sample.cpuShare) < CPU_BUSY_SHARE_MIN;
  if (waits && inFlight >= 2) {
    return {
      strategy: 'async',
      concurrency: inFlight,
      reasons: [
        `${rest} The task waits (its event loop was busy ${formatPercent(sample.busyShare)} of each task), and ` +
          `async starts at no cost: the rest runs with ${inFlight === left ? 'all ' : ''}${formatCount(inFlight)} in flight at once.`,
      ],
    };
  }
  return { strategy: 'sequential', concurrency: 1, reasons: [`${rest} ${RUN_SEQUENTIALLY}`] };
}

/**
 * A CPU-bound job (async cannot overlap it) whose rest, run on every core at a perfect speed-up,
 * would save no more than a worker thread costs to start at the least (WORKER_START_FLOOR_MS, known
 * without starting one): run sequentially at once, rather than start a worker to learn it is not worth
 * one. Null otherwise.
 */
export function workersCannotPay(input: ShortJobInput): ShortJob | null {
  const { kind, sample, total, kept, cores, workerCap } = input;
  if (kind !== 'cpu-bound') return null;
  const left = Math.max(0, total - kept);
  const restMs = left * sample.wallMs;
  const workers = Math.max(1, Math.min(cores, Math.floor(workerCap)));
  const savingMs = restMs * (1 - 1 / workers);
  if (savingMs > WORKER_START_FLOOR_MS) return null;
  return {
    strategy: 'sequential',
    concurrency: 1,
    reasons: [
      `The rest of the job, ${inputCount(left)}, would take about ${formatLongDuration(restMs)} sequentially ` +
        `(${inputCount(left)} × ${formatLongDuration(sample.wallMs)}, the sample's mean). On ${formatCount(workers)} ` +
        `worker thread${workers === 1 ? '' : 's'} at a perfect speed-up it would save at most ${formatLongDuration(savingMs)} ` +
        `(${formatLongDuration(restMs)} × (1 − 1/${formatCount(workers)})), no more than starting a single worker thread ` +
        `takes at the least (${formatLongDuration(WORKER_START_FLOOR_MS)}, measured on a no-op task): so no worker is started. ${RUN_SEQUENTIALLY}`,
    ],
  };
}
