/**
 * The one message protocol between a pool and its workers, threads and processes alike.
 * Every message is an array whose first element is TAG, so fanout's messages can never be
 * confused with anything a user's task posts on the same channel. Arrays clone faster than objects.
 */
import type { SerializedError } from '../../core/errors.js';

export const TAG = '\u0000fanout';

// main → worker
export const RUN = 1; // [TAG, RUN, firstSeq, inputs[], indices]: one job per input, seqs firstSeq, firstSeq+1, …; indices: the inputs' indices, or the first of consecutive ones
export const CHUNK = 2; // [TAG, CHUNK, seq, inputs[] | Int32Array | Float64Array, firstIndex]: one job whose items are the inputs
export const ABORT = 3; // [TAG, ABORT, seq, reason]
export const STATS = 4; // [TAG, STATS] (and the reply [TAG, STATS, WorkerStats])
export const CLOSE = 5; // [TAG, CLOSE]
export const INIT = 6; // [TAG, INIT, WorkerInit]: a child process's first message

// worker → main
export const READY = 10; // [TAG, READY]
export const INIT_ERROR = 11; // [TAG, INIT_ERROR, phase, SerializedError]
export const RESULTS = 12; // [TAG, RESULTS, busyMs, items, flat results, timeline | null]
export const CLOSED = 13; // [TAG, CLOSED, WorkerStats, teardown SerializedError | null]

// Result statuses, in the flat results array as [seq, status, payload, seq, status, payload, …]
export const OK = 0; // payload: the value
export const ERR = 1; // payload: SerializedError
export const SKIPPED = 2; // aborted before it started; payload: null
export const CHUNK_DONE = 3; // payload: [values[] | Int32Array | Float64Array, errors: [offset, SerializedError][] | null]

/** Marks a task whose output could not be cloned, so the pool can raise a CloneError. */
export const OUTPUT_CLONE_CODE = 'ERR_FANOUT_OUTPUT_CLONE';

export type InitPhase = 'load' | 'setup';

export interface WorkerStats {
  cpuUser: number;
  cpuSystem: number;
  rss: number;
  maxRss: number;
}

/** What the shared slots of a thread worker, or the last words of a process, say about its death. */
export interface DeathNote {
  /** The tasks in flight when the worker died, as [job seq, item offset in a chunk]: none, one, or up to `inFlight`. */
  running: [seq: number, offset: number][];
  /** How it died, when the worker could say (an uncaught exception, process.exit). */
  reason?: string;
  error?: SerializedError;
}

// Int32 slots a thread worker updates as it runs, readable after it died: a pair per task in flight
// (its lane), the job's seq (0: the lane is free) and the item's offset in a chunk.
export const SLOT_SEQ = 0;
export const SLOT_OFFSET = 1;

// After the lanes, two slots through which the pool takes back jobs a thread has not started (work
// stealing): CLAIM holds the seq of the last job the worker started (it claims each before starting
// it, in seq order), or -F once the pool took back the jobs from F up to (not including) STOLEN_END.
const FENCE_SLOTS = 2;

/** The shared slots of a worker with `inFlight` tasks in flight at most. */
export function sharedSlots(inFlight: number): number {
  return 2 * inFlight + FENCE_SLOTS;
}

/** The worker's side: may it start job `seq`? No, when the pool took it back. Jobs start in seq order. */
export function claimJob(slots: Int32Array, seq: number): boolean {
  const claim = slots.length - FENCE_SLOTS;
  for (;;) {
    const claimed = Atomics.load(slots, claim);
    if (claimed < 0 && seq >= -claimed) {
      const end = Atomics.load(slots, claim + 1);
      if (seq < end) {
        // Past the last job taken back, the worker may be fenced again.
        if (seq === end - 1) Atomics.compareExchange(slots, claim, claimed, seq);
        return false;
      }
    }
    // Claimed, unless the pool fenced in between: then look again.
    if (Atomics.compareExchange(slots, claim, claimed, seq) === claimed) return true;
  }
}

/**
 * The pool's side: takes back every job from the one after the last started up to `nextSeq`, unless
 * the worker starts one first. Returns the first seq taken back, or undefined when nothing was.
 */
export function fenceJobs(slots: Int32Array, nextSeq: number): number | undefined {
  const claim = slots.length - FENCE_SLOTS;
  const claimed = Atomics.load(slots, claim);
  // A fence the worker has not reached yet: what it holds back is already taken.
  if (claimed < 0) return undefined;
  const from = claimed + 1;
  if (from >= nextSeq) return undefined;
  Atomics.store(slots, claim + 1, nextSeq);
  return Atomics.compareExchange(slots, claim, claimed, -from) === claimed ? from : undefined;
}

/** The pool's side: whether the thread holds jobs it has not started (sent up to `nextSeq`). */
export function holdsUnstarted(slots: Int32Array, nextSeq: number): boolean {
  return nextSeq - 1 > Atomics.load(slots, slots.length - FENCE_SLOTS);
}

/** Whether a thread's lanes show job `seq` running now. */
export function isRunning(slots: Int32Array, seq: number): boolean {
  for (let lane = 0; lane < slots.length - FENCE_SLOTS; lane += 2) {
    if (Atomics.load(slots, lane + SLOT_SEQ) === seq) return true;
  }
  return false;
}

/** Reads a thread's lanes (a dead one's, or one running): what is in flight. */
export function readRunning(slots: Int32Array): [seq: number, offset: number][] {
  const running: [number, number][] = [];
  for (let lane = 0; lane < slots.length - FENCE_SLOTS; lane += 2) {
    const seq = Atomics.load(slots, lane + SLOT_SEQ);
    if (seq !== 0) running.push([seq, Atomics.load(slots, lane + SLOT_OFFSET)]);
  }
  return running;
}

export type MainMessage =
  | [typeof TAG, typeof RUN, number, unknown[], number | number[]]
  | [typeof TAG, typeof CHUNK, number, unknown[] | Int32Array | Float64Array, number]
  | [typeof TAG, typeof ABORT, number, string]
  | [typeof TAG, typeof STATS]
  | [typeof TAG, typeof CLOSE]
  | [typeof TAG, typeof INIT, WorkerInit];

export type WorkerMessage =
  | [typeof TAG, typeof READY]
  | [typeof TAG, typeof INIT_ERROR, InitPhase, SerializedError]
  | [typeof TAG, typeof RESULTS, number, number, unknown[], number[] | null]
  | [typeof TAG, typeof STATS, WorkerStats]
  | [typeof TAG, typeof CLOSED, WorkerStats, SerializedError | null];

export function isFanoutMessage(message: unknown): message is WorkerMessage & MainMessage {
  return Array.isArray(message) && message[0] === TAG;
}

/** What a worker needs to start, passed as workerData or an environment variable. */
export interface WorkerInit {
  taskUrl: string;
  exportName: string;
  workerId: number;
  timeline: boolean;
  taskOptions: unknown;
  /** Tasks run at once on the worker's event loop. */
  inFlight: number;
  shared: SharedArrayBuffer | null;
}

/** A child process writes its last words (a DeathNote as JSON) to this fd as it dies. */
export const LAST_WORDS_FD = 4;

/**
 * A child process gets the other end of a pipe whose end here only its pool holds: the pool writes a
 * line on it once the child has exited, and its end closes when the pool dies, however it dies. The
 * child's watchdog (a shell reading this fd) kills the child on that end of file.
 */
export const POOL_ALIVE_FD = 5;
