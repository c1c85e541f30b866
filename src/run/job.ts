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
import { CloneError, SetupError, TaskLoadError } from '../errors.js';
import type { Executor } from '../executor.js';
import type { Settled } from '../types.js';
import { retryDelay } from './backoff.js';
import type { DoneSet } from './done-set.js';
import { ABORTED_CODE, errorLine, INPUT_CODE, okLine } from './encode.js';
import { describeFailure } from './failure.js';
import { InputBuffer } from './input-buffer.js';
import { ReorderWindow, SKIP } from './reorder.js';
import { RetryQueue } from './retry-queue.js';
import type { LineSink } from './sink.js';

/** One line of the inputs, parsed or not (the shape `readInputLines` yields). */
export type InputRecord = { line: number; value: unknown } | { line: number; error: string };

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
  /** Write lines in input order (through a ReorderWindow) rather than completion order. */
  ordered: boolean;
  /** Indices recorded by an earlier run: read past, never run. */
  done: DoneSet;
  /** @default ORDER_WINDOW (smaller in tests, to make the window fill) */
  orderWindow?: number;
}

/** Live figures, for the progress display. */
export interface JobProgress {
  /** Inputs recorded, by this run and (on --resume) by the earlier ones. */
  done: number;
  failed: number;
  inFlight: number;
  waitingRetry: number;
}

export interface JobResult {
  /** Input records read (every non-blank line up to where reading stopped). */
  read: number;
  /** Read but recorded by an earlier run. */
  skipped: number;
  /** Lines written by this run: succeeded, failed, and aborted by a second signal. */
  ok: number;
  failed: number;
  aborted: number;
  /** Retries started. */
  retried: number;
  /** Read but not recorded (in flight when the run stopped or failed, or waiting for a retry). */
  unrecorded: number;
  /** Every input was read and recorded. */
  complete: boolean;
  /** What stopped the run early (a signal's name), if anything. */
  stoppedBy: string | undefined;
  /** Set when a second request aborted the inputs in flight. */
  abortedBy: string | undefined;
  /** An error that ended the run: the task failed to load or set up, the output failed, the inputs failed. */
  fatal: Error | undefined;
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

/** A promise and its resolver: a one-shot event. */
function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

export class Job {
  readonly #executor: Executor;
  readonly #inputs: InputBuffer;
  readonly #sink: LineSink;
  readonly #retries: number;
  readonly #done: DoneSet;
  readonly #priorDone: number;
  readonly #window: ReorderWindow | undefined;
  readonly #waiting = new RetryQueue();
  readonly #stopSignal = deferred();
  readonly #abortSignal = deferred();
  #round: Round | undefined;
  #finished = false;
  #nextIndex = 0;
  #held: Indexed | undefined;
  #inFlight = 0;
  #stoppedBy: string | undefined;
  #abortedBy: string | undefined;
  #fatal: Error | undefined;
  #skipped = 0;
  #ok = 0;
  #failed = 0;
  #aborted = 0;
  #retried = 0;

  constructor(options: JobOptions) {
    this.#executor = options.executor;
    this.#inputs = new InputBuffer(options.inputs);
    this.#sink = options.sink;
    this.#retries = options.retries;
    this.#done = options.done;
    this.#priorDone = options.done.size;
    this.#window = options.ordered
      ? new ReorderWindow(options.orderWindow ?? ORDER_WINDOW, (line) => this.#sink.write(line))
      : undefined;
  }

  /** Stop reading; what is in flight finishes and is recorded. Retries not yet started are dropped. */
  stop(reason: string): void {
    if (this.#stoppedBy !== undefined) return;
    this.#stoppedBy = reason;
    this.#waiting.clear();
    this.#inputs.close();
    this.#stopSignal.resolve();
  }

  /** Stop, and record every input in flight as aborted now (see docs/run.md on what still runs). */
  abort(reason: string): void {
    this.stop(reason);
    if (this.#abortedBy !== undefined) return;
    this.#abortedBy = reason;
    this.#abortSignal.resolve();
  }

  /** A failure that ends the run (the output cannot be written, the task cannot load). */
  fail(error: Error): void {
    this.#fatal ??= error;
    this.stop('fatal');
  }

  progress(): JobProgress {
    return {
      done: this.#priorDone + this.#ok + this.#failed + this.#aborted,
      failed: this.#failed + this.#aborted,
      inFlight: this.#inFlight,
      waitingRetry: this.#waiting.size,
    };
  }

  async run(): Promise<JobResult> {
    // One race for the whole run: an abort does not wait for the stream, which waits for the tasks.
    await Promise.race([this.#runRounds(), this.#abortSignal.promise]);
    if (this.#abortedBy !== undefined && this.#round !== undefined) this.#recordAborted(this.#round);
    this.#finished = true;
    // An interrupted --ordered run writes what it holds, in order, around the gaps.
    this.#window?.flushAll();
    await this.#sink.close();
    return this.#result();
  }

  async #runRounds(): Promise<void> {
    try {
      while (this.#stoppedBy === undefined && this.#hasWork()) {
        const round = new Round();
        this.#round = round;
        for await (const outcome of this.#executor.stream(this.#feed(round), { settle: true })) {
          this.#onOutcome(round, outcome);
          if (this.#sink.blocked) await this.#sink.drained();
        }
      }
    } catch (error) {
      if (!this.#finished) this.fail(error as Error);
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
        const next = this.#held ?? this.#take();
        this.#held = undefined;
        if (next === undefined) {
          // Nothing buffered: wait for the source (the stream waits with us, as it must for its input).
          if (!this.#inputs.drained) await this.#inputs.wait();
          continue;
        }
        if (this.#window === undefined || this.#window.accepts(next.index)) {
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
          throw new Error(`internal: the reorder window is stuck at ${this.#window?.head}`);
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
      this.#window?.put(index, SKIP);
      return NOTHING;
    }
    if ('error' in record) {
      this.#write(
        index,
        errorLine(index, { name: 'InputError', message: record.error, code: INPUT_CODE }, 0),
      );
      this.#failed++;
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
      const { line, ok } = okLine(index, outcome.value, attempts);
      this.#write(index, line);
      if (ok) this.#ok++;
      else this.#failed++;
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
        this.#waiting.push({
          index,
          value: pending.value,
          attempts,
          due: performance.now() + retryDelay(attempts),
        });
      }
      return;
    }
    this.#write(index, errorLine(index, describeFailure(error, outcome.index, index), attempts));
    this.#failed++;
  }

  #recordAborted(round: Round): void {
    for (const { index, attempts } of round.pending.values()) {
      const message = `input ${index} was aborted by ${this.#abortedBy} before it finished`;
      this.#write(index, errorLine(index, { name: 'AbortError', message, code: ABORTED_CODE }, attempts + 1));
      this.#aborted++;
    }
    this.#inFlight -= round.pending.size;
    round.pending.clear();
  }

  #write(index: number, line: string): void {
    if (this.#finished) return; // an outcome after an abort: its input already has its line
    if (this.#window) this.#window.put(index, line);
    else this.#sink.write(line);
  }

  #sleepUntil(due: number): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, due - performance.now()));
    });
    return Promise.race([elapsed, this.#stopSignal.promise]).finally(() => clearTimeout(timer));
  }

  #result(): JobResult {
    const recorded = this.#ok + this.#failed + this.#aborted;
    const unrecorded = this.#nextIndex - this.#skipped - recorded;
    return {
      read: this.#nextIndex,
      skipped: this.#skipped,
      ok: this.#ok,
      failed: this.#failed,
      aborted: this.#aborted,
      retried: this.#retried,
      unrecorded,
      complete: this.#inputs.drained && unrecorded === 0 && this.#fatal === undefined,
      stoppedBy: this.#stoppedBy === 'fatal' ? undefined : this.#stoppedBy,
      abortedBy: this.#abortedBy,
      fatal: this.#fatal,
    };
  }
}
