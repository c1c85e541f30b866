/**
 * The pool's batching policy, as plain functions of numbers: no I/O, no timers, no state of its own.
 * The pool keeps one estimate of the time an item takes (`itemMs`, undefined until a result has
 * come back) and asks these functions how much to put in a message and how much to keep queued.
 *
 * The aim: a few ms of work per message, so a message's cost vanishes against tiny tasks, while long
 * tasks go to a worker one at a time, so nothing waits behind them and the load stays even.
 */

/** Aim for about this much work per message, so a message's cost vanishes against the work it carries. */
export const BATCH_TARGET_MS = 2;
/** Tasks at least this long go to a worker one at a time: nothing waits behind them, the load stays even. */
export const LONG_TASK_MS = 20;
/** The most tasks in one message of `run` calls. */
export const MAX_BATCH = 16_384;
/** The most inputs in one chunk of a map. */
export const MAX_CHUNK = 262_144;
/** How fast the task-time estimate follows new measurements, per item measured. */
export const EWMA_WEIGHT = 0.3;
/** A message counts as at most this many measurements: by then its weight is 1 to within 1e-9. */
const EWMA_MAX_ITEMS = 64;
/** `stream` never reads further ahead than this, whatever the pool could take. */
export const MAX_READ_AHEAD = 8192;
/** How many messages' worth of work a worker keeps queued, so it never waits for the next one. */
const QUEUED_BATCHES = 2;
/** A map's chunk is at most 1 / (this × workers) of what is left, so the last inputs still spread out. */
const SHARES_PER_WORKER = 2;
/** A measured task time of 0 (a clock's resolution) counts as this, so the division stays finite. */
const MIN_ITEM_MS = 1e-6;
/** `stream` reads ahead this many messages' worth per worker. */
const READ_AHEAD_BATCHES = 4;
/** …and never fewer than this many inputs per worker, so each has one running and one waiting. */
const MIN_READ_AHEAD_PER_WORKER = 2;

/**
 * The estimate after a message that took `busyMs` for `items` items. A message of many items is many
 * measurements: weigh it as such, so a big chunk corrects a stale estimate at once, while one odd
 * single task moves it only a little. `items` must be at least 1.
 */
export function nextItemMs(itemMs: number | undefined, busyMs: number, items: number): number {
  const sample = busyMs / items;
  if (itemMs === undefined) return sample;
  const weight = 1 - (1 - EWMA_WEIGHT) ** Math.min(items, EWMA_MAX_ITEMS);
  return itemMs + weight * (sample - itemMs);
}

/** How many queued `run` tasks go in one message: one until a task has been timed. */
export function batchSize(itemMs: number | undefined): number {
  if (itemMs === undefined) return 1;
  return Math.max(1, Math.min(MAX_BATCH, Math.ceil(BATCH_TARGET_MS / itemMs)));
}

/**
 * How many of a map's `remaining` inputs go in its next chunk: a fixed `chunkSize` if the caller set
 * one, else about BATCH_TARGET_MS of work, never more than half a worker's fair share of what is left.
 */
export function chunkSize(
  itemMs: number | undefined,
  remaining: number,
  workers: number,
  fixed: number | undefined,
): number {
  if (fixed !== undefined) return Math.min(fixed, remaining);
  if (itemMs === undefined) return 1;
  const byTime = Math.ceil(BATCH_TARGET_MS / Math.max(itemMs, MIN_ITEM_MS));
  const fair = Math.ceil(remaining / (SHARES_PER_WORKER * workers));
  return Math.max(1, Math.min(byTime, fair, MAX_CHUNK, remaining));
}

/**
 * How many messages a map's `remaining` inputs go out in, at the least: one input each while the map
 * measures its task, else chunks of `chunkSize` (later chunks are never bigger than the first, so
 * this never counts more messages than there will be).
 */
export function mapMessages(
  itemMs: number | undefined,
  remaining: number,
  workers: number,
  fixed: number | undefined,
  probing: boolean,
): number {
  if (remaining <= 0) return 0;
  if (probing) return remaining;
  return Math.ceil(remaining / chunkSize(itemMs, remaining, workers, fixed));
}

/** How many messages `tasks` queued `run` tasks that may share one go out in, at the least. */
export function runMessages(itemMs: number | undefined, tasks: number): number {
  return Math.ceil(tasks / batchSize(itemMs));
}

/**
 * How many workers to start now: one for each message waiting beyond the ones the workers still
 * starting will take, and never more than `size` workers taking work in all. A pool starts a worker
 * only when it has work for it, so a job of 3 inputs starts at most 3, whatever the concurrency.
 */
export function workersToStart(messages: number, starting: number, live: number, size: number): number {
  return Math.max(0, Math.min(size - live, messages - starting));
}

/**
 * Whether a worker holding `items` items has room for another message. A worker running `inFlight`
 * tasks at once is kept full: `inFlight` items, and the queue beyond them that one would keep.
 */
export function hasRoom(itemMs: number | undefined, held: number, inFlight = 1): boolean {
  const items = held - (inFlight - 1);
  if (items < 1) return true;
  // Until a task has been timed, and for long tasks, one job at a time per worker.
  if (itemMs === undefined || itemMs >= LONG_TASK_MS) return items === 0;
  // Otherwise keep about two batches' worth queued, so a worker never waits for the next message.
  return items * itemMs < QUEUED_BATCHES * BATCH_TARGET_MS;
}

/**
 * Whether a worker that `hasRoom` turned away may take one more message all the same, to start it the
 * moment its running tasks end, saving the round trip of a result and the next task (a few ms for a
 * process): long tasks only (shorter ones queue already), and only a worker holding one task per lane
 * and nothing waiting. The pool also asks `keepsEveryWorkerBusy` of its queue.
 */
export function mayPrefetch(itemMs: number | undefined, held: number, inFlight: number): boolean {
  return itemMs !== undefined && itemMs >= LONG_TASK_MS && held === inFlight;
}

/**
 * Whether `queuedMessages` leave a message for each of `workers` after one more is taken: near the end
 * of a job nothing is held back, so its last tasks still go to whichever worker frees first.
 */
export function keepsEveryWorkerBusy(queuedMessages: number, workers: number): boolean {
  return queuedMessages > workers;
}

/** The least silence, in ms, after which a worker holding jobs it has not started loses them to an idle one. */
export const STEAL_MIN_MS = 50;

/**
 * How long a worker may say nothing while it holds jobs it has not started, before they are taken
 * back for an idle worker: long against the messages a healthy worker sends (one per few ms of work).
 */
export function stealAfterMs(itemMs: number | undefined): number {
  return Math.max(STEAL_MIN_MS, 8 * (itemMs ?? 0));
}

/** How many inputs `stream` reads ahead to keep `workers` workers, each with `inFlight` tasks at once, busy. */
export function capacityHint(itemMs: number | undefined, workers: number, inFlight = 1): number {
  const perWorker =
    itemMs === undefined
      ? MIN_READ_AHEAD_PER_WORKER
      : Math.ceil((READ_AHEAD_BATCHES * BATCH_TARGET_MS) / itemMs);
  return Math.min(MAX_READ_AHEAD, workers * (inFlight - 1 + Math.max(MIN_READ_AHEAD_PER_WORKER, perWorker)));
}
