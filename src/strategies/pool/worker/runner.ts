/**
 * The side of the pool that runs inside a worker (a thread or a child process): it loads the task,
 * runs `setup`, then executes the jobs it is sent one at a time, in order, and sends the results
 * back in batches: one message per batch of synchronous results, and one before each await.
 */

import { now } from '../../../core/clock.js';
import { Deque } from '../../../core/deque.js';
import { type SerializedError, serializeError } from '../../../core/errors.js';
import { packNumbers } from '../../../core/pack.js';
import type { TaskFunction } from '../../../core/types.js';
import { classProblem, cloneProblem, isThenable } from '../../../core/values.js';
import { Context } from '../../../task/context.js';
import { type LoadedTask, loadTask } from '../../../task/load.js';
import { releaseTsLoader } from '../../../task/ts-loader.js';
import {
  ABORT,
  CHUNK,
  CHUNK_DONE,
  CLOSE,
  CLOSED,
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
  SLOT_OFFSET,
  SLOT_SEQ,
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
interface Batch {
  first: number;
  inputs: ArrayLike<unknown>;
  /** The inputs' indices, or the first of consecutive ones (a chunk's always are). */
  indices: number | number[];
  chunk: boolean;
  /** The next input of a batch of singles to run. */
  next: number;
}

export function workerStats(): WorkerStats {
  const cpu = process.cpuUsage();
  return {
    cpuUser: cpu.user,
    cpuSystem: cpu.system,
    rss: process.memoryUsage.rss(),
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

export class Runner {
  readonly #port: RunnerPort;
  readonly #init: WorkerInit;
  readonly #shared: Int32Array | null;
  readonly #queue = new Deque<Batch>();
  readonly #abortedEarly = new Set<number>();
  #fn: TaskFunction = () => undefined;
  #task: LoadedTask | undefined;
  #state: unknown;
  #results: unknown[] = [];
  #transfer: ArrayBuffer[] = [];
  #timeline: number[] | null;
  #busy = 0;
  #busySince = 0;
  #items = 0;
  #draining = false;
  #closing = false;
  #currentSeq = 0;
  #lastStarted = 0;
  #currentOffset = 0;
  #currentContext: Context | undefined;
  #spareContext: Context | undefined;

  constructor(port: RunnerPort, init: WorkerInit) {
    this.#port = port;
    this.#init = init;
    this.#shared = init.shared ? new Int32Array(init.shared) : null;
    this.#timeline = init.timeline ? [] : null;
    port.onMessage((message) => this.#onMessage(message));
  }

  /** The job running now (seq 0: none), for a dying process's last words. */
  current(): { seq: number; offset: number } {
    return { seq: this.#currentSeq, offset: this.#currentOffset };
  }

  async start(): Promise<void> {
    let phase: InitPhase = 'load';
    try {
      this.#task = await loadTask(this.#init.taskUrl, this.#init.exportName);
      this.#fn = this.#task.fn;
      phase = 'setup';
      if (this.#task.setup) {
        this.#state = await this.#task.setup({
          workerId: this.#init.workerId,
          options: this.#init.taskOptions,
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
        this.#queue.push({
          first: message[2],
          inputs: message[3],
          indices: message[4],
          chunk: message[1] === CHUNK,
          next: 0,
        });
        if (!this.#draining) {
          this.#busySince = now();
          this.#drain();
        }
        return;
      case ABORT:
        // Jobs start in seq order: a seq at or below the last started one is running now or already done.
        if (message[2] === this.#currentSeq) this.#currentContext?.abort(abortReason(message[3]));
        else if (message[2] > this.#lastStarted) this.#abortedEarly.add(message[2]);
        return;
      case STATS:
        this.#port.post([TAG, STATS, workerStats()]);
        return;
      case CLOSE:
        this.#closing = true;
        if (!this.#draining) void this.#finish();
        return;
    }
  }

  #drain(): void {
    this.#draining = true;
    for (let batch = this.#queue.peek(); batch !== undefined; batch = this.#queue.peek()) {
      if (batch.chunk) {
        this.#queue.shift();
        if (this.#skip(batch.first)) continue;
        const base = batch.indices as number;
        if (!this.#runChunk(batch.first, batch.inputs, base, 0, null, null)) return; // resumes itself
        continue;
      }
      const { indices } = batch;
      while (batch.next < batch.inputs.length) {
        const k = batch.next++;
        const seq = batch.first + k;
        if (this.#skip(seq)) continue;
        const index = typeof indices === 'number' ? indices + k : indices[k]!;
        // An async task: its settlement calls #drain again.
        if (!this.#runSingle(seq, batch.inputs[k], index)) return;
      }
      this.#queue.shift();
    }
    this.#flush();
    this.#draining = false;
    if (this.#closing) void this.#finish();
  }

  /** A job aborted before it started is reported as skipped, not run. */
  #skip(seq: number): boolean {
    if (this.#abortedEarly.size === 0 || !this.#abortedEarly.delete(seq)) return false;
    this.#results.push(seq, SKIPPED, null);
    return true;
  }

  #begin(seq: number): Context {
    let context = this.#spareContext;
    this.#spareContext = undefined;
    context ??= new Context(this.#init.workerId, this.#state, this.#init.taskOptions);
    this.#currentContext = context;
    this.#currentSeq = seq;
    this.#lastStarted = seq;
    if (this.#shared) Atomics.store(this.#shared, SLOT_SEQ, seq);
    return context;
  }

  #end(): void {
    // A context nobody took the signal of can serve the next task: one object less per task.
    if (this.#currentContext?.pristine) this.#spareContext = this.#currentContext;
    this.#currentSeq = 0;
    this.#currentContext = undefined;
    if (this.#shared) Atomics.store(this.#shared, SLOT_SEQ, 0);
  }

  /** Counts a finished task; the per-task clock is read only when a timeline is wanted. */
  #record(start: number): void {
    this.#items++;
    this.#timeline?.push(start, now());
  }

  /** Runs one job; returns false when it went async (and will resume the drain itself). */
  #runSingle(seq: number, input: unknown, index: number): boolean {
    const context = this.#begin(seq);
    context.index = index;
    const start = this.#timeline ? now() : 0;
    let result: unknown;
    try {
      result = this.#fn(input, context);
    } catch (error) {
      this.#record(start);
      this.#results.push(seq, ERR, serializeError(error));
      this.#end();
      return true;
    }
    if (!isThenable(result)) {
      this.#record(start);
      this.#results.push(seq, OK, result);
      this.#end();
      return true;
    }
    this.#flush();
    result.then(
      (value) => {
        this.#record(start);
        this.#results.push(seq, OK, value);
        this.#end();
        this.#drain();
      },
      (error) => {
        this.#record(start);
        this.#results.push(seq, ERR, serializeError(error));
        this.#end();
        this.#drain();
      },
    );
    return false;
  }

  /** Runs a chunk's items from `from`; returns false when an item went async. */
  #runChunk(
    seq: number,
    inputs: ArrayLike<unknown>,
    base: number,
    from: number,
    values: unknown[] | null,
    errors: [number, SerializedError][] | null,
  ): boolean {
    const out = values ?? new Array<unknown>(inputs.length);
    let errs = errors;
    const context = from === 0 ? this.#begin(seq) : this.#currentContext!;
    const fn = this.#fn;
    for (let i = from; i < inputs.length; i++) {
      if (this.#shared) Atomics.store(this.#shared, SLOT_OFFSET, i);
      this.#currentOffset = i;
      context.index = base + i;
      const start = this.#timeline ? now() : 0;
      let result: unknown;
      try {
        result = fn(inputs[i], context);
      } catch (error) {
        this.#record(start);
        errs = errs ?? [];
        errs.push([i, serializeError(error)]);
        continue;
      }
      if (isThenable(result)) {
        this.#flush();
        const resume = (ok: boolean, value: unknown): void => {
          this.#record(start);
          if (ok) out[i] = value;
          else {
            errs = errs ?? [];
            errs.push([i, serializeError(value)]);
          }
          if (this.#runChunk(seq, inputs, base, i + 1, out, errs)) this.#drain();
        };
        result.then(
          (value) => resume(true, value),
          (error) => resume(false, error),
        );
        return false;
      }
      this.#record(start);
      out[i] = result;
    }
    const packed = errs === null ? packNumbers(out) : null;
    if (packed) this.#transfer.push(packed.buffer as ArrayBuffer);
    this.#results.push(seq, CHUNK_DONE, [packed ?? out, errs]);
    this.#end();
    return true;
  }

  #flush(): void {
    if (this.#results.length === 0) return;
    const results = this.#results;
    const time = now();
    this.#busy += time - this.#busySince;
    this.#busySince = time;
    const message: WorkerMessage = [TAG, RESULTS, this.#busy, this.#items, results, this.#timeline];
    const transfer = this.#transfer;
    this.#results = [];
    this.#transfer = [];
    this.#busy = 0;
    this.#items = 0;
    if (this.#timeline) this.#timeline = [];
    // A class instance clones without error, as a plain object: refuse it, as every strategy does.
    this.#replaceUncloneable(results, classProblem);
    try {
      this.#port.post(message, transfer);
    } catch {
      // Some output cannot be cloned: find which, record it as that task's error, send the rest.
      this.#replaceUncloneable(results, (value) => cloneProblem(value, this.#port.assertCloneable));
      this.#port.post(message);
    }
  }

  /** Records as its task's error every output that `problemOf` refuses. */
  #replaceUncloneable(results: unknown[], problemOf: (value: unknown) => string | undefined): void {
    for (let r = 0; r < results.length; r += 3) {
      if (results[r + 1] === OK) {
        const value = results[r + 2];
        const error = cloneError(value, problemOf);
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

  async #finish(): Promise<void> {
    if (!this.#closing) return;
    this.#closing = false;
    let teardownError: SerializedError | null = null;
    try {
      if (this.#task?.teardown) await this.#task.teardown(this.#state);
    } catch (error) {
      teardownError = serializeError(error);
    }
    // The pool ends the worker on CLOSED: its loader's children must be reaped before.
    await releaseTsLoader();
    this.#port.post([TAG, CLOSED, workerStats(), teardownError]);
    this.#port.exit();
  }
}

function abortReason(kind: string): Error {
  const error = new Error(kind === 'timeout' ? 'the task timed out' : 'the task was aborted');
  error.name = kind === 'timeout' ? 'TimeoutError' : 'AbortError';
  return error;
}

function cloneError(
  value: unknown,
  problemOf: (value: unknown) => string | undefined,
): SerializedError | null {
  const message = problemOf(value);
  return message === undefined ? null : { name: 'DataCloneError', message, code: OUTPUT_CLONE_CODE };
}
