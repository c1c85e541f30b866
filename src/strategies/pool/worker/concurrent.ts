/**
 * Up to `inFlight` tasks at once on the worker's event loop: the hybrid model, a worker per core with
 * many tasks waiting on I/O in each. Tasks start in the order sent; results go back as they finish,
 * gathered into one message per turn of the event loop. A chunk's items run concurrently too, and the
 * chunk is answered when its last item is back.
 *
 * Each task holds a lane: the pair of shared slots (seq, item offset) a dying thread leaves behind, so
 * the pool can fail exactly the inputs that were in flight.
 */

import { now } from '../../../core/clock.js';
import { type SerializedError, serializeError } from '../../../core/errors.js';
import { packNumbers } from '../../../core/pack.js';
import { isThenable } from '../../../core/values.js';
import type { Context } from '../../../task/context.js';
import { CHUNK_DONE, ERR, OK, readRunning, sharedSlots, type WorkerInit } from '../protocol.js';
import { Runner, type RunnerPort, type Running } from './runner.js';

/** A chunk whose items are in flight: their outcomes gather here until the last one is back. */
class ChunkRun {
  readonly values: unknown[];
  errors: [number, SerializedError][] | null = null;
  /** [start, end] per item, in item order, when a timeline is wanted. */
  readonly times: number[] | null;
  readonly contexts = new Set<Context>();
  left: number;
  aborted: Error | undefined;
  constructor(
    readonly seq: number,
    size: number,
    timeline: boolean,
  ) {
    this.values = new Array<unknown>(size);
    this.times = timeline ? new Array<number>(2 * size) : null;
    this.left = size;
  }
}

export class ConcurrentRunner extends Runner {
  readonly #slots: Int32Array;
  readonly #freeLanes: number[] = [];
  /** What an abort of a seq reaches: a single task's context, or a chunk's run. */
  readonly #bySeq = new Map<number, Context | ChunkRun>();
  #headRun: ChunkRun | null = null;
  #inFlight = 0;
  #lastStarted = 0;
  #flushScheduled = false;

  constructor(port: RunnerPort, init: WorkerInit) {
    super(port, init);
    this.#slots = this.shared ?? new Int32Array(sharedSlots(init.inFlight));
    for (let lane = init.inFlight - 1; lane >= 0; lane--) this.#freeLanes.push(lane);
  }

  running(): Running {
    return readRunning(this.#slots);
  }

  protected idle(): boolean {
    return this.#inFlight === 0 && this.queue.length === 0;
  }

  protected onWork(): void {
    this.#fill();
  }

  protected onAbort(seq: number, reason: Error): void {
    const target = this.#bySeq.get(seq);
    if (target instanceof ChunkRun) {
      target.aborted = reason;
      for (const context of target.contexts) context.abort(reason);
    } else if (target) target.abort(reason);
    else if (seq > this.#lastStarted) this.abortedEarly.add(seq);
  }

  /** Starts queued tasks while a lane is free; sends the results once nothing more can start. */
  #fill(): void {
    while (this.#freeLanes.length > 0) {
      const batch = this.queue.peek();
      if (batch === undefined) break;
      if (batch.chunk) {
        if (batch.next === 0) {
          if (this.takenBack(batch.first) || this.skip(batch.first)) {
            this.queue.shift();
            continue;
          }
          this.#headRun = new ChunkRun(batch.first, batch.inputs.length, this.timeline !== null);
          this.#bySeq.set(batch.first, this.#headRun);
          this.#lastStarted = batch.first;
        }
        const run = this.#headRun!;
        const offset = batch.next++;
        if (batch.next === batch.inputs.length) {
          this.queue.shift();
          this.#headRun = null;
        }
        this.#start(run.seq, offset, batch.inputs[offset], (batch.indices as number) + offset, run);
        continue;
      }
      const k = batch.next++;
      if (batch.next === batch.inputs.length) this.queue.shift();
      const seq = batch.first + k;
      if (this.takenBack(seq) || this.skip(seq)) continue;
      this.#lastStarted = seq;
      const { indices } = batch;
      this.#start(seq, 0, batch.inputs[k], typeof indices === 'number' ? indices + k : indices[k]!, null);
    }
    if (this.idle()) {
      this.flush();
      if (this.closing) void this.finish();
    } else if (this.results.length > 0 && !this.#flushScheduled) {
      // Whatever finishes in this turn of the event loop goes back in one message.
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        this.flush();
      });
    }
  }

  #start(seq: number, offset: number, input: unknown, index: number, run: ChunkRun | null): void {
    // What is finished goes before anything new starts: a task that then holds the loop for ever must
    // not hold back its neighbours' results (the pool would take them for still running).
    if (this.results.length > 0) this.flush();
    const lane = this.#freeLanes.pop()!;
    Atomics.store(this.#slots, 2 * lane, seq);
    Atomics.store(this.#slots, 2 * lane + 1, offset);
    const context = this.context(index);
    if (run) {
      run.contexts.add(context);
      if (run.aborted) context.abort(run.aborted);
    } else this.#bySeq.set(seq, context);
    const start = this.timeline ? now() : 0;
    let result: unknown;
    try {
      result = this.fn(input, context);
    } catch (error) {
      this.#done(seq, offset, run, context, lane, start, false, error);
      return;
    }
    if (!isThenable(result)) {
      this.#done(seq, offset, run, context, lane, start, true, result);
      return;
    }
    this.#inFlight++;
    result.then(
      (value) => {
        this.#inFlight--;
        this.#done(seq, offset, run, context, lane, start, true, value);
        this.#fill();
      },
      (error) => {
        this.#inFlight--;
        this.#done(seq, offset, run, context, lane, start, false, error);
        this.#fill();
      },
    );
  }

  #done(
    seq: number,
    offset: number,
    run: ChunkRun | null,
    context: Context,
    lane: number,
    start: number,
    ok: boolean,
    value: unknown,
  ): void {
    Atomics.store(this.#slots, 2 * lane, 0);
    this.#freeLanes.push(lane);
    if (run === null) {
      this.#bySeq.delete(seq);
      this.record(start);
      this.results.push(seq, ok ? OK : ERR, ok ? value : serializeError(value));
    } else {
      run.contexts.delete(context);
      this.count();
      if (run.times) {
        run.times[2 * offset] = start;
        run.times[2 * offset + 1] = now();
      }
      if (ok) run.values[offset] = value;
      else {
        run.errors ??= [];
        run.errors.push([offset, serializeError(value)]);
      }
      if (--run.left === 0) this.#finishChunk(run);
    }
    this.recycle(context);
  }

  #finishChunk(run: ChunkRun): void {
    this.#bySeq.delete(run.seq);
    // The pool walks a chunk's errors in item order.
    run.errors?.sort((a, b) => a[0] - b[0]);
    const packed = run.errors === null ? packNumbers(run.values) : null;
    if (packed) this.transfer.push(packed.buffer as ArrayBuffer);
    this.results.push(run.seq, CHUNK_DONE, [packed ?? run.values, run.errors]);
    if (run.times) for (const time of run.times) this.timeline!.push(time);
  }
}
