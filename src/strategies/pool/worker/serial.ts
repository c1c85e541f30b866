/**
 * One task at a time, in the order sent (`inFlight` 1): the results go back in batches, one message
 * per run of synchronous results and one before each await.
 */

import { now } from '../../../core/clock.js';
import { type SerializedError, serializeError } from '../../../core/errors.js';
import { packNumbers } from '../../../core/pack.js';
import { isThenable } from '../../../core/values.js';
import type { Context } from '../../../task/context.js';
import { CHUNK_DONE, ERR, OK, SLOT_OFFSET, SLOT_SEQ } from '../protocol.js';
import { Runner, type Running } from './runner.js';

export class SerialRunner extends Runner {
  #draining = false;
  #currentSeq = 0;
  #lastStarted = 0;
  #currentOffset = 0;
  #currentContext: Context | undefined;

  running(): Running {
    return this.#currentSeq === 0 ? [] : [[this.#currentSeq, this.#currentOffset]];
  }

  protected idle(): boolean {
    return !this.#draining;
  }

  protected onWork(): void {
    if (!this.#draining) this.#drain();
  }

  protected onAbort(seq: number, reason: Error): void {
    // Jobs start in seq order: a seq at or below the last started one is running now or already done.
    if (seq === this.#currentSeq) this.#currentContext?.abort(reason);
    else if (seq > this.#lastStarted) this.abortedEarly.add(seq);
  }

  #drain(): void {
    this.#draining = true;
    for (let batch = this.queue.peek(); batch !== undefined; batch = this.queue.peek()) {
      if (batch.chunk) {
        this.queue.shift();
        if (this.takenBack(batch.first) || this.skip(batch.first)) continue;
        const base = batch.indices as number;
        if (!this.#runChunk(batch.first, batch.inputs, base, 0, null, null, null)) return; // resumes itself
        continue;
      }
      const { indices } = batch;
      while (batch.next < batch.inputs.length) {
        const k = batch.next++;
        const seq = batch.first + k;
        if (this.takenBack(seq) || this.skip(seq)) continue;
        const index = typeof indices === 'number' ? indices + k : indices[k]!;
        // An async task: its settlement calls #drain again.
        if (!this.#runSingle(seq, batch.inputs[k], index)) return;
      }
      this.queue.shift();
    }
    this.flush();
    this.#draining = false;
    if (this.closing) void this.finish();
  }

  #begin(seq: number, index: number): Context {
    const context = this.context(index);
    this.#currentContext = context;
    this.#currentSeq = seq;
    this.#lastStarted = seq;
    if (this.shared) Atomics.store(this.shared, SLOT_SEQ, seq);
    return context;
  }

  #end(): void {
    if (this.#currentContext) this.recycle(this.#currentContext);
    this.#currentSeq = 0;
    this.#currentContext = undefined;
    if (this.shared) Atomics.store(this.shared, SLOT_SEQ, 0);
  }

  /** Runs one job; returns false when it went async (and will resume the drain itself). */
  #runSingle(seq: number, input: unknown, index: number): boolean {
    const context = this.#begin(seq, index);
    const start = this.timeline ? now() : 0;
    let result: unknown;
    try {
      result = this.fn(input, context);
    } catch (error) {
      this.record(start);
      this.results.push(seq, ERR, serializeError(error));
      this.#end();
      return true;
    }
    if (!isThenable(result)) {
      this.record(start);
      this.results.push(seq, OK, result);
      this.#end();
      return true;
    }
    this.flush();
    result.then(
      // Sent before the next task starts: a next task that never ends must not hold it back.
      (value) => {
        this.record(start);
        this.results.push(seq, OK, value);
        this.#end();
        this.flush();
        this.#drain();
      },
      (error) => {
        this.record(start);
        this.results.push(seq, ERR, serializeError(error));
        this.#end();
        this.flush();
        this.#drain();
      },
    );
    return false;
  }

  /**
   * Runs a chunk's items from `from`; returns false when an item went async. The items' [start, end]
   * gather in `times` and join the timeline with the chunk's result, whatever was sent in between.
   */
  #runChunk(
    seq: number,
    inputs: ArrayLike<unknown>,
    base: number,
    from: number,
    values: unknown[] | null,
    errors: [number, SerializedError][] | null,
    timesSoFar: number[] | null,
  ): boolean {
    const out = values ?? new Array<unknown>(inputs.length);
    let errs = errors;
    const times = timesSoFar ?? (this.timeline ? [] : null);
    const record = (start: number): void => {
      this.count();
      times?.push(start, now());
    };
    const context = from === 0 ? this.#begin(seq, base) : this.#currentContext!;
    const fn = this.fn;
    for (let i = from; i < inputs.length; i++) {
      if (this.shared) Atomics.store(this.shared, SLOT_OFFSET, i);
      this.#currentOffset = i;
      context.index = base + i;
      const start = this.timeline ? now() : 0;
      let result: unknown;
      try {
        result = fn(inputs[i], context);
      } catch (error) {
        record(start);
        errs = errs ?? [];
        errs.push([i, serializeError(error)]);
        continue;
      }
      if (isThenable(result)) {
        this.flush();
        const resume = (ok: boolean, value: unknown): void => {
          record(start);
          if (ok) out[i] = value;
          else {
            errs = errs ?? [];
            errs.push([i, serializeError(value)]);
          }
          if (this.#runChunk(seq, inputs, base, i + 1, out, errs, times)) this.#drain();
        };
        result.then(
          (value) => resume(true, value),
          (error) => resume(false, error),
        );
        return false;
      }
      record(start);
      out[i] = result;
    }
    if (times) for (const time of times) this.timeline!.push(time);
    const packed = errs === null ? packNumbers(out) : null;
    if (packed) this.transfer.push(packed.buffer as ArrayBuffer);
    this.results.push(seq, CHUNK_DONE, [packed ?? out, errs]);
    this.#end();
    return true;
  }
}
