/**
 * The heart of `fanout run`: input records in, one result line per input out, through
 * `executor.stream(…, { settle: true })`.
 *
 * The stream pulls inputs from `#feed` as the workers have room (its backpressure bounds memory),
 * and hands back outcomes in completion order. Retries go back into the feed once their backoff has
 * passed. Because the stream cannot hand out outcomes while it waits for the feed, the feed never
 * waits for an outcome: when it cannot go on (the --ordered window is full, too many retries wait,
 * the inputs ran out while retries wait), it ends the stream, the stream drains, and a new stream
 * (a "round") starts. It only ever waits for time (a retry's backoff) when nothing is in flight.
 */

import type { Executor } from '../auto/executor.js';
import { CloneError, SetupError, TaskLoadError } from '../core/errors.js';
import type { Settled } from '../core/types.js';
import { retryDelay } from './backoff.js';
import type { DoneSet } from './done-set.js';
import { describeFailure } from './failure.js';
import { InputBuffer } from './input-buffer.js';
import { Recorder } from './recorder.js';
import { RetryQueue } from './retry-queue.js';
import type { LineSink } from './sink.js';
import type { InputRecord, JobProgress, JobResult } from './types.js';

export type { InputRecord, JobProgress, JobResult } from './types.js';

/** --ordered: how many inputs may be read past the oldest one not yet written. */
export const ORDER_WINDOW = 16_384;
/** When this many failed inputs wait for their retry, reading pauses until they have run again. */
export const MAX_WAITING_RETRIES = 10_000;

export interface JobOptions {
  executor: Executor;
  inputs: AsyncIterable<InputRecord>;
  sink: LineSink;
  /** Extra attempts for a failed input. */
  retries: number;
  /** Write lines in input order (through a reorder window) rather than completion order. */
  ordered: boolean;
  /** Indices recorded by an earlier run: read past, never run. */
  done: DoneSet;
  /** @default ORDER_WINDOW (smaller in tests, to make the window fill) */
  orderWindow?: number;
  /** How many inputs there are, when known (`auto` weighs its probes against the job's size). */
  total?: number;
}

interface Pending {
  index: number;
  /** Kept only when a retry may need it. */
  value: unknown;
  attempts: number;
}

interface Indexed {
  index: number;
  record: InputRecord;
}

/** The inputs one stream is running, by the stream's own index. */
class Round {
  readonly pending = new Map<number, Pending>();
  next = 0;
}

const NOTHING: unique symbol = Symbol('nothing');

export class Job {
  readonly #executor: Executor;
  readonly #inputs: InputBuffer;
  readonly #sink: LineSink;
  readonly #recorder: Recorder;
  readonly #retries: number;
  readonly #done: DoneSet;
  readonly #priorDone: number;
  readonly #total: number | undefined;
  readonly #waiting = new RetryQueue();
  readonly #aborted: Promise<void>;
  #onAbort: () => void = () => {};
  #wakeSleeper: (() => void) | undefined;
  #round: Round | undefined;
  #nextIndex = 0;
  #held: Indexed | undefined;
  #inFlight = 0;
  #stoppedBy: string | undefined;
  #abortedBy: string | undefined;
  #fatal: Error | undefined;
  #skipped = 0;
  #retried = 0;

  constructor(options: JobOptions) {
    this.#executor = options.executor;
    this.#inputs = new InputBuffer(options.inputs);
    this.#recorder = new Recorder(
      options.sink,
      options.ordered ? (options.orderWindow ?? ORDER_WINDOW) : undefined,
    );
    this.#retries = options.retries;
    this.#done = options.done;
    this.#priorDone = options.done.size;
    this.#total = options.total;
    this.#aborted = new Promise((resolve) => {
      this.#onAbort = resolve;
    });
    this.#sink = options.sink;
  }

  /** Stop reading; what is in flight finishes and is recorded. Retries not yet started are dropped. */
  stop(reason: string): void {
    if (this.#stoppedBy !== undefined) return;
    this.#stoppedBy = reason;
    this.#waiting.clear();
    this.#inputs.close();
    this.#wakeSleeper?.();
  }

  /** Stop, and record every input in flight as aborted now (see docs/run.md on what still runs). */
  abort(reason: string): void {
    this.stop(reason);
    if (this.#abortedBy !== undefined) return;
    this.#abortedBy = reason;
    this.#onAbort();
  }

  /** A failure that ends the run (the output cannot be written, the task cannot load). */
  fail(error: Error): void {
    this.#fatal ??= error;
    this.stop('fatal');
  }

  progress(): JobProgress {
    const recorder = this.#recorder;
    return {
      done: this.#priorDone + recorder.recorded,
      failed: recorder.failed + recorder.aborted,
      inFlight: this.#inFlight,
      waitingRetry: this.#waiting.size,
    };
  }

  async run(): Promise<JobResult> {
    // One race for the whole run: an abort does not wait for the stream, which waits for the tasks.
    await Promise.race([this.#runRounds(), this.#aborted]);
    if (this.#abortedBy !== undefined && this.#round !== undefined) this.#recordAborted(this.#round);
    await this.#recorder.finish();
    return this.#result();
  }

  async #runRounds(): Promise<void> {
    try {
      while (this.#stoppedBy === undefined && this.#hasWork()) {
        const round = new Round();
        this.#round = round;
        // The first round runs every input not recorded before (later ones: retries, a full window).
        const first = this.#nextIndex === 0 && this.#total !== undefined;
        const total = first ? { total: Math.max(0, this.#total! - this.#priorDone) } : {};
        for await (const outcome of this.#executor.stream(this.#feed(round), { settle: true, ...total })) {
          this.#onOutcome(round, outcome);
          if (this.#sink.blocked) await this.#sink.drained();
        }
      }
    } catch (error) {
      this.fail(error as Error);
    }
  }

  #hasWork(): boolean {
    return !this.#inputs.drained || this.#held !== undefined || this.#waiting.size > 0;
  }

  async *#feed(round: Round): AsyncGenerator<unknown> {
    while (this.#stoppedBy === undefined) {
      const retry = this.#waiting.popDue(performance.now());
      if (retry !== undefined) {
        this.#retried++;
        yield this.#dispatch(round, retry.index, retry.value, retry.attempts);
        continue;
      }
      const canRead =
        (!this.#inputs.drained || this.#held !== undefined) && this.#waiting.size < MAX_WAITING_RETRIES;
      if (canRead) {
        let next: Indexed | undefined;
        try {
          next = this.#held ?? this.#take();
        } catch (error) {
          // The inputs failed (a read error): stop, but let what is in flight finish and be recorded.
          this.fail(error as Error);
          return;
        }
        this.#held = undefined;
        if (next === undefined) {
          // Nothing buffered: wait for the source (the stream waits with us, as it must for its input).
          if (!this.#inputs.drained) await this.#inputs.wait();
          continue;
        }
        if (this.#recorder.accepts(next.index)) {
          const value = this.#admit(next);
          if (value !== NOTHING) yield this.#dispatch(round, next.index, value, 0);
          continue;
        }
        // The window is full: the oldest unwritten input is in flight, or waiting for its retry.
        this.#held = next;
      }
      if (round.pending.size > 0) return; // let the stream hand out what is in flight, then start anew
      const due = this.#waiting.nextDue();
      if (due === undefined) {
        if (this.#held !== undefined)
          throw new Error(`internal: the reorder window is stuck at ${this.#recorder.head}`);
        return;
      }
      await this.#sleepUntil(due);
    }
  }

  #take(): Indexed | undefined {
    const record = this.#inputs.take();
    return record === undefined ? undefined : { index: this.#nextIndex++, record };
  }

  /** What to hand the task for this input, or NOTHING when the input is settled without it. */
  #admit({ index, record }: Indexed): unknown {
    if (this.#done.has(index)) {
      this.#skipped++;
      this.#recorder.skip(index);
      return NOTHING;
    }
    if ('error' in record) {
      this.#recorder.malformed(index, record.error);
      return NOTHING;
    }
    return record.value;
  }

  #dispatch(round: Round, index: number, value: unknown, attempts: number): unknown {
    round.pending.set(round.next++, { index, value: attempts < this.#retries ? value : undefined, attempts });
    this.#inFlight++;
    return value;
  }

  #onOutcome(round: Round, outcome: Settled<unknown>): void {
    const pending = round.pending.get(outcome.index);
    if (pending === undefined) return;
    round.pending.delete(outcome.index);
    this.#inFlight--;
    const { index } = pending;
    const attempts = pending.attempts + 1;
    if (outcome.status === 'fulfilled') {
      this.#recorder.value(index, outcome.value, attempts);
      return;
    }
    const error = outcome.reason;
    if (error instanceof TaskLoadError || error instanceof SetupError) {
      this.fail(error);
      return;
    }
    if (attempts <= this.#retries && !(error instanceof CloneError)) {
      // A stopping run starts no retry: the input stays unrecorded, and --resume runs it again.
      if (this.#stoppedBy === undefined) {
        const due = performance.now() + retryDelay(attempts);
        this.#waiting.push({ index, value: pending.value, attempts, due });
      }
      return;
    }
    this.#recorder.failure(index, describeFailure(error, outcome.index, index), attempts);
  }

  #recordAborted(round: Round): void {
    for (const { index, attempts } of round.pending.values()) {
      this.#recorder.abortedBy(index, this.#abortedBy!, attempts + 1);
    }
    this.#inFlight -= round.pending.size;
    round.pending.clear();
  }

  /** Waits until `due` (a `performance.now()` time), or until the run stops. */
  #sleepUntil(due: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, due - performance.now()));
      this.#wakeSleeper = wake;
    });
  }

  #result(): JobResult {
    const { ok, failed, aborted, recorded } = this.#recorder;
    const unrecorded = this.#nextIndex - this.#skipped - recorded;
    return {
      read: this.#nextIndex,
      skipped: this.#skipped,
      ok,
      failed,
      aborted,
      retried: this.#retried,
      unrecorded,
      complete: this.#inputs.drained && unrecorded === 0 && this.#fatal === undefined,
      stoppedBy: this.#stoppedBy === 'fatal' ? undefined : this.#stoppedBy,
      abortedBy: this.#abortedBy,
      fatal: this.#fatal,
    };
  }
}
