/**
 * The side of the pool that runs inside a worker (a thread or a child process): it loads the task,
 * runs `setup`, takes the jobs it is sent, runs them and sends the results back in batches.
 *
 * This file is what every worker does whatever its tasks in flight: loading, the messages, the
 * outbox (results, their timeline, the busy time), close. How jobs are run is a subclass's:
 *   serial.ts      one task at a time, in order (`inFlight` 1, the default)
 *   concurrent.ts  up to `inFlight` tasks at once on the worker's event loop
 */

import { now } from '../../../core/clock.js';
import { Deque } from '../../../core/deque.js';
import { type SerializedError, serializeError } from '../../../core/errors.js';
import type { TaskFunction } from '../../../core/types.js';
import { classProblem, cloneProblem } from '../../../core/values.js';
import { Context } from '../../../task/context.js';
import { type LoadedTask, loadTask, releaseTaskLoader } from '../../../task/load.js';
import {
  ABORT,
  CHUNK,
  CHUNK_DONE,
  CLOSE,
  CLOSED,
  claimJob,
  ERR,
  INIT_ERROR,
  type InitPhase,
  type MainMessage,
  OK,
  OUTPUT_CLONE_CODE,
  READY,
  RESULTS,
  RUN,
  SKIPPED,
  STATS,
  TAG,
  type WorkerInit,
  type WorkerMessage,
  type WorkerStats,
} from '../protocol.js';

/** How a runner talks to its pool: a MessagePort for threads, the IPC channel for processes. */
export interface RunnerPort {
  post(message: WorkerMessage, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: MainMessage) => void): void;
  /** Throws when a value cannot cross this port. */
  assertCloneable(value: unknown): void;
  exit(): void;
}

/** What the pool sent, as it arrived: a batch of single jobs (seqs first, first+1, …) or one chunk job. */
export interface Batch {
  first: number;
  inputs: ArrayLike<unknown>;
  /** The inputs' indices, or the first of consecutive ones (a chunk's always are). */
  indices: number | number[];
  chunk: boolean;
  /** The next input of the batch to run. */
  next: number;
}

/** What a worker is running: [seq, item offset] per task in flight, for a dying worker's last words. */
export type Running = [seq: number, offset: number][];

export function workerStats(): WorkerStats {
  const cpu = process.cpuUsage();
  return {
    cpuUser: cpu.user,
    cpuSystem: cpu.system,
    rss: process.memoryUsage.rss(),
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

export abstract class Runner {
  protected readonly init: WorkerInit;
  /** Int32 pairs (seq, offset), one per task in flight, readable by the pool after a thread dies. */
  protected readonly shared: Int32Array | null;
  protected readonly queue = new Deque<Batch>();
  /** Jobs aborted before they started: reported as skipped, not run. */
  protected readonly abortedEarly = new Set<number>();
  protected fn: TaskFunction = () => undefined;
  protected state: unknown;
  /** Flat results waiting to be sent: [seq, status, payload, …]. */
  protected results: unknown[] = [];
  protected transfer: ArrayBuffer[] = [];
  /** [start, end] per task run, in the order of `results` (a chunk's items together, in order). */
  protected timeline: number[] | null;
  protected closing = false;
  readonly #port: RunnerPort;
  #task: LoadedTask | undefined;
  #busy = 0;
  #busySince = 0;
  #items = 0;
  #spareContext: Context | undefined;

  constructor(port: RunnerPort, init: WorkerInit) {
    this.#port = port;
    this.init = init;
    this.shared = init.shared ? new Int32Array(init.shared) : null;
    this.timeline = init.timeline ? [] : null;
    port.onMessage((message) => this.#onMessage(message));
  }

  /** The tasks running now, for a dying process's last words. */
  abstract running(): Running;
  /** New work arrived in `queue`. */
  protected abstract onWork(): void;
  /** The pool gave up on job `seq` (a time-out or an abort). */
  protected abstract onAbort(seq: number, reason: Error): void;
  /** Whether nothing is running or waiting. */
  protected abstract idle(): boolean;

  async start(): Promise<void> {
    let phase: InitPhase = 'load';
    try {
      this.#task = await loadTask(this.init.taskUrl, this.init.exportName);
      this.fn = this.#task.fn;
      phase = 'setup';
      if (this.#task.setup) {
        this.state = await this.#task.setup({
          workerId: this.init.workerId,
          options: this.init.taskOptions,
        });
      }
    } catch (error) {
      this.#port.post([TAG, INIT_ERROR, phase, serializeError(error)]);
      return;
    }
    this.#port.post([TAG, READY]);
  }

  #onMessage(message: MainMessage): void {
    switch (message[1]) {
      case RUN:
      case CHUNK:
        if (this.idle()) this.#busySince = now();
        this.queue.push({
          first: message[2],
          inputs: message[3],
          indices: message[4],
          chunk: message[1] === CHUNK,
          next: 0,
        });
        this.onWork();
        return;
      case ABORT:
        this.onAbort(message[2], abortReason(message[3]));
        return;
      case STATS:
        this.#port.post([TAG, STATS, workerStats()]);
        return;
      case CLOSE:
        this.closing = true;
        if (this.idle()) void this.finish();
        return;
    }
  }

  /**
   * Whether the pool took job `seq` back before it started (to give it to an idle worker): it is then
   * reported as skipped, which the pool reads as "this worker is listening again". Claims it
   * otherwise; jobs are claimed in seq order.
   */
  protected takenBack(seq: number): boolean {
    if (this.shared === null || claimJob(this.shared, seq)) return false;
    this.results.push(seq, SKIPPED, null);
    return true;
  }

  /** A job aborted before it started is reported as skipped, not run. */
  protected skip(seq: number): boolean {
    if (this.abortedEarly.size === 0 || !this.abortedEarly.delete(seq)) return false;
    this.results.push(seq, SKIPPED, null);
    return true;
  }

  /** A context for the next task: the last one back, if its task never touched its signal. */
  protected context(index: number): Context {
    let context = this.#spareContext;
    this.#spareContext = undefined;
    context ??= new Context(this.init.workerId, this.state, this.init.taskOptions);
    context.index = index;
    return context;
  }

  /** A context whose task is done: kept for the next task if nobody took its signal. */
  protected recycle(context: Context): void {
    if (context.pristine) this.#spareContext = context;
  }

  /** Counts a finished task; the per-task clock is read only when a timeline is wanted. */
  protected record(start: number): void {
    this.#items++;
    this.timeline?.push(start, now());
  }

  /** Counts a finished task whose [start, end] the caller files itself (a chunk's items, out of order). */
  protected count(): void {
    this.#items++;
  }

  /** Sends what is waiting, with the busy time since the last message. */
  protected flush(): void {
    if (this.results.length === 0) return;
    const results = this.results;
    const time = now();
    this.#busy += time - this.#busySince;
    this.#busySince = time;
    const message: WorkerMessage = [TAG, RESULTS, this.#busy, this.#items, results, this.timeline];
    const transfer = this.transfer;
    this.results = [];
    this.transfer = [];
    this.#busy = 0;
    this.#items = 0;
    if (this.timeline) this.timeline = [];
    // A class instance clones without error, as a plain object: refuse it, as every strategy does.
    replaceUncloneable(results, classProblem);
    try {
      this.#port.post(message, transfer);
    } catch {
      // Some output cannot be cloned: find which, record it as that task's error, send the rest.
      replaceUncloneable(results, (value) => cloneProblem(value, this.#port.assertCloneable));
      this.#port.post(message);
    }
  }

  protected async finish(): Promise<void> {
    if (!this.closing) return;
    this.closing = false;
    let teardownError: SerializedError | null = null;
    try {
      if (this.#task?.teardown) await this.#task.teardown(this.state);
    } catch (error) {
      teardownError = serializeError(error);
    }
    // The pool ends the worker on CLOSED: its loader's children must be reaped before.
    await releaseTaskLoader();
    this.#port.post([TAG, CLOSED, workerStats(), teardownError]);
    this.#port.exit();
  }
}

function abortReason(kind: string): Error {
  const error = new Error(kind === 'timeout' ? 'the task timed out' : 'the task was aborted');
  error.name = kind === 'timeout' ? 'TimeoutError' : 'AbortError';
  return error;
}

/** Records as its task's error every output that `problemOf` refuses. */
function replaceUncloneable(results: unknown[], problemOf: (value: unknown) => string | undefined): void {
  for (let r = 0; r < results.length; r += 3) {
    if (results[r + 1] === OK) {
      const error = cloneError(results[r + 2], problemOf);
      if (error) {
        results[r + 1] = ERR;
        results[r + 2] = error;
      }
    } else if (results[r + 1] === CHUNK_DONE) {
      const [values, errors] = results[r + 2] as [unknown[], [number, SerializedError][] | null];
      if (!Array.isArray(values)) continue; // packed numbers
      let all: [number, SerializedError][] | null = null;
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (
          value === null ||
          (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')
        )
          continue;
        const error = cloneError(value, problemOf);
        if (error) {
          values[i] = undefined;
          all ??= errors ? [...errors] : [];
          all.push([i, error]);
        }
      }
      // The pool walks a chunk's errors in item order, each item at most once.
      if (all) results[r + 2] = [values, all.sort((a, b) => a[0] - b[0])];
    }
  }
}

function cloneError(
  value: unknown,
  problemOf: (value: unknown) => string | undefined,
): SerializedError | null {
  const message = problemOf(value);
  return message === undefined ? null : { name: 'DataCloneError', message, code: OUTPUT_CLONE_CODE };
}
