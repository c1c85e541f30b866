import { ClosedError, OptionError } from './errors.js';
import {
  type ExecutorOptions,
  expectPositiveInteger,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { Deque } from './pool/deque.js';
import { createAsync } from './strategies/async.js';
import { createProcesses } from './strategies/processes.js';
import { createSequential } from './strategies/sequential.js';
import { type MapHandle, type Strategy, TaskRequest } from './strategies/strategy.js';
import { createThreads } from './strategies/threads.js';
import type { Indexed, Settled, TimelineEntry, WorkerUsage } from './types.js';
import { assertTaskExists } from './worker/load-task.js';

export interface RunOptions {
  /** Aborts this task: it fails with an AbortError and its `context.signal` fires. */
  signal?: AbortSignal;
  /** A time-out for this task, in ms; overrides the executor's. */
  timeout?: number;
}

export interface MapOptions {
  /**
   * Return every outcome, like `Promise.allSettled`, instead of failing on the first error.
   * @default false
   */
  settle?: boolean;
}

export interface StreamOptions extends MapOptions {
  /**
   * How many inputs may be read ahead of the results handed out.
   * @default what keeps every worker busy, at most 65,536
   */
  highWaterMark?: number;
}

type Inputs<I> = Iterable<I> | AsyncIterable<I>;

function settleRun(request: TaskRequest, error: Error | undefined, value: unknown): void {
  if (error) request.reject!(error);
  else request.resolve!(value);
}

/** The strategy is picked here and nowhere else. */
function createStrategy(options: ResolvedOptions): Strategy {
  switch (options.strategy) {
    case 'sequential':
      return createSequential(options);
    case 'async':
      return createAsync(options);
    case 'threads':
      return createThreads(options);
    case 'processes':
      return createProcesses(options);
  }
}

/**
 * Runs one task module under one strategy. A thin shell: the work is done by the strategy.
 *
 * @example
 * const executor = createExecutor({ task: './task.js', strategy: 'threads' });
 * const results = await executor.map([1, 2, 3]);
 * await executor.close();
 */
export class Executor<I = unknown, O = unknown> {
  readonly #strategy: Strategy;
  readonly #options: ResolvedOptions;
  #closed = false;
  #runs = 0;

  constructor(options: ExecutorOptions) {
    this.#options = resolveOptions(options);
    assertTaskExists(this.#options.taskUrl);
    if (this.#options.taskOptions !== undefined) {
      try {
        structuredClone(this.#options.taskOptions);
      } catch (error) {
        throw new OptionError(
          `Expected \`taskOptions\` to survive structured cloning: ${(error as Error).message}`,
        );
      }
    }
    this.#strategy = createStrategy(this.#options);
  }

  get strategy(): string {
    return this.#strategy.name;
  }

  get concurrency(): number {
    return this.#strategy.concurrency;
  }

  /** Runs one task. */
  run(input: I, options: RunOptions = {}): Promise<O> {
    if (this.#closed) return Promise.reject(new ClosedError());
    const index = this.#runs++;
    const timeout = options.timeout ?? this.#options.timeout;
    return new Promise<O>((resolve, reject) => {
      this.#strategy.submit(
        new TaskRequest(
          input,
          index,
          options.signal,
          timeout,
          settleRun,
          resolve as (value: unknown) => void,
          reject,
        ),
      );
    });
  }

  /** Every result, in input order. Fails on the first error unless `settle` is set. */
  map(inputs: Inputs<I>, options?: MapOptions & { settle?: false }): Promise<O[]>;
  map(inputs: Inputs<I>, options: MapOptions & { settle: true }): Promise<Settled<O>[]>;
  map(inputs: Inputs<I>, options: MapOptions = {}): Promise<O[] | Settled<O>[]> {
    if (this.#closed) return Promise.reject(new ClosedError());
    const settle = options.settle === true;
    if (!Array.isArray(inputs)) return this.#mapIterable(inputs, settle);
    return new Promise((resolve, reject) => {
      const results = new Array<unknown>(inputs.length);
      let remaining = inputs.length;
      let failed = false;
      if (remaining === 0) return resolve([]);
      // Outcomes may arrive before mapArray returns (synchronous tasks in-process): hence `handle?.`.
      let handle: MapHandle | undefined;
      handle = this.#strategy.mapArray(inputs, (index, error, value) => {
        if (failed) return;
        if (error && !settle) {
          failed = true;
          handle?.cancel();
          reject(error);
          return;
        }
        results[index] = settle
          ? error
            ? { index, status: 'rejected', reason: error }
            : { index, status: 'fulfilled', value }
          : value;
        if (--remaining === 0) resolve(results as O[] | Settled<O>[]);
      });
      if (failed) handle.cancel();
    });
  }

  async #mapIterable(inputs: Inputs<I>, settle: boolean): Promise<O[] | Settled<O>[]> {
    const results: unknown[] = [];
    for await (const outcome of this.stream(inputs, { settle: true })) {
      if (outcome.status === 'rejected' && !settle) throw outcome.reason;
      results[outcome.index] = settle ? outcome : (outcome as { value: O }).value;
    }
    return results as O[] | Settled<O>[];
  }

  /**
   * Results in completion order, each with its input's index. Reads inputs lazily (arrays, iterables
   * and async iterables of any length) and never more than `highWaterMark` ahead of what it handed out.
   */
  stream(inputs: Inputs<I>, options?: StreamOptions & { settle?: false }): AsyncGenerator<Indexed<O>>;
  stream(inputs: Inputs<I>, options: StreamOptions & { settle: true }): AsyncGenerator<Settled<O>>;
  async *stream(inputs: Inputs<I>, options: StreamOptions = {}): AsyncGenerator<Indexed<O> | Settled<O>> {
    if (this.#closed) throw new ClosedError();
    const settle = options.settle === true;
    const fixedLimit =
      options.highWaterMark === undefined
        ? undefined
        : expectPositiveInteger('highWaterMark', options.highWaterMark);
    const asyncIterator = (inputs as AsyncIterable<I>)[Symbol.asyncIterator]?.();
    const syncIterator = asyncIterator ? undefined : (inputs as Iterable<I>)[Symbol.iterator]();
    const ready = new Deque<Settled<O>>();
    let wake: (() => void) | undefined;
    let inFlight = 0;
    let nextIndex = 0;
    let exhausted = false;
    const timeout = this.#options.timeout;
    const done = (request: TaskRequest, error: Error | undefined, value: unknown): void => {
      const { index } = request;
      ready.push(
        error
          ? { index, status: 'rejected', reason: error }
          : { index, status: 'fulfilled', value: value as O },
      );
      wake?.();
    };
    try {
      while (true) {
        const limit = fixedLimit ?? this.#strategy.capacityHint();
        while (!exhausted && inFlight < limit && ready.length === 0) {
          const step = asyncIterator ? await asyncIterator.next() : syncIterator!.next();
          if (step.done) {
            exhausted = true;
            break;
          }
          const index = nextIndex++;
          inFlight++;
          this.#strategy.submit(new TaskRequest(step.value, index, undefined, timeout, done));
        }
        const outcome = ready.shift();
        if (outcome) {
          inFlight--;
          if (outcome.status === 'rejected' && !settle) throw outcome.reason;
          yield settle ? outcome : { index: outcome.index, value: (outcome as { value: O }).value };
          continue;
        }
        if (exhausted && inFlight === 0) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      if (!exhausted) await (asyncIterator ?? syncIterator)?.return?.();
    }
  }

  /** Per-task timeline entries, when the executor was made with `timeline: true`. */
  timeline(): TimelineEntry[] {
    return this.#strategy.timeline();
  }

  /** CPU and memory of the workers that are not this process's own threads. */
  usage(): Promise<WorkerUsage> {
    return this.#strategy.usage();
  }

  /** Lets queued and in-flight work finish, runs `teardown` in every worker, then ends them all. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#strategy.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

export function createExecutor<I = unknown, O = unknown>(options: ExecutorOptions): Executor<I, O> {
  return new Executor<I, O>(options);
}
