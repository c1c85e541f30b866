/**
 * How many inputs go in one job: plain functions of the measured time per input, like the pool's
 * batching, with a bigger target. A job costs several Redis round trips (add, take, lock, push the
 * results, complete): a job of about JOB_TARGET_MS of work makes them vanish against cheap tasks,
 * while long tasks still travel one or a few at a time, so every worker gets a share.
 */

/** Aim for about this much work per job (the worker's wall time on it). */
export const JOB_TARGET_MS = 50;
/** The most inputs in one job, whatever the task time: a job's data is one Redis string. */
export const MAX_JOB_INPUTS = 10_000;
/** Until a job has come back and been timed, jobs carry one input and at most this many are out. */
export const PROBE_JOBS = 2;
/** `stream` reads at most this far ahead, as under every strategy (the executor documents 8,192). */
export const MAX_READ_AHEAD = 8192;
/** How fast the estimate follows a new job's figure (one job weighs this much). */
const EWMA_WEIGHT = 0.5;

/** The estimate of ms per input after a job of `count` inputs that took `busyMs` on its worker. */
export function nextItemMs(itemMs: number | undefined, busyMs: number, count: number): number {
  const sample = Math.max(busyMs, 0) / Math.max(count, 1);
  return itemMs === undefined ? sample : itemMs + EWMA_WEIGHT * (sample - itemMs);
}

/**
 * Inputs for the next job, with `remaining` waiting and `jobs` jobs allowed in flight at once: the
 * caller's `chunkSize` if set, else about JOB_TARGET_MS of work, and at least `slots` (the tasks a
 * worker runs at once, as workers report it): a job of one 50 ms download would leave a worker's other
 * 63 async slots idle, and its time per input would never show that more fit.
 */
export function jobSize(
  itemMs: number | undefined,
  remaining: number,
  jobs: number,
  fixed: number | undefined,
  slots = 1,
): number {
  if (fixed !== undefined) return Math.min(fixed, remaining);
  if (itemMs === undefined) return 1;
  const byTime = Math.max(Math.ceil(JOB_TARGET_MS / Math.max(itemMs, 1e-6)), slots);
  // Never more than a fair share of what is left, so the last inputs still spread over the workers.
  const fair = Math.ceil(remaining / Math.max(jobs, 1));
  return Math.max(1, Math.min(byTime, fair, MAX_JOB_INPUTS, remaining));
}

/** How many inputs `stream` keeps in flight: enough for every job slot to be a full job. */
export function readAhead(itemMs: number | undefined, jobs: number, slots = 1): number {
  const perJob =
    itemMs === undefined
      ? 2
      : Math.min(MAX_JOB_INPUTS, Math.max(slots, Math.ceil(JOB_TARGET_MS / Math.max(itemMs, 1e-6))));
  return Math.min(MAX_READ_AHEAD, Math.max(2 * jobs, jobs * perJob));
}
