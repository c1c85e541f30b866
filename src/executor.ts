import type { AutoChoice } from './advise/auto.js';
import { ClosedError, OptionError } from './errors.js';
import {
  type ExecutorOptions,
  expectPositiveInteger,
  type ResolvedOptions,
  resolveOptions,
  type StrategyName,
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
   * @default what keeps every worker busy, at most 8,192
   */
  highWaterMark?: number;
}

type Inputs<I> = Iterable<I> | AsyncIterable<I>;

const RESULT_READY = Symbol('result ready');

function settleRun(request: TaskRequest, error: Error | undefined, value: unknown): void {
  if (error) request.reject!(error);
  else request.resolve!(value);
}

/** The strategy is picked here and nowhere else. */
function createStrategy(options: ResolvedOptions & { strategy: StrategyName }): Strategy {
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
  /** Undefined under `auto` until the advisor has chosen. */
  #strategy: Strategy | undefined;
  #choosing: Promise<Strategy> | undefined;
  #choice: AutoChoice | undefined;
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
    const { strategy } = this.#options;
    if (strategy !== 'auto') this.#strategy = createStrategy({ ...this.#options, strategy });
  }

  /** The strategy running the tasks; `auto` until the advisor has chosen. */
  get strategy(): string {
    return this.#strategy?.name ?? 'auto';
  }

  get concurrency(): number {
    return this.#strategy?.concurrency ?? 0;
  }

  /** Under `strategy: 'auto'`, what the advisor chose and why (`choice.advice.verdict.reasons`). */
  get choice(): AutoChoice | undefined {
    return this.#choice;
  }

  /**
   * `auto`: the advisor measures a sample of the inputs (run more than once: tasks must be safe to
   * repeat) and picks the strategy and concurrency; every later call uses that choice.
   */
  #choose(sample: readonly unknown[], total: number | null): Promise<Strategy> {
    this.#choosing ??= (async () => {
      const { chooseStrategy } = await import('./advise/auto.js');
      const options = this.#options;
      const choice = await chooseStrategy({
        task: options.taskUrl,
        export: options.exportName,
        taskOptions: options.taskOptions,
        sample,
        total,
        ...(options.concurrency > 0 ? { maxConcurrency: options.concurrency } : {}),
      });
      this.#choice = choice;
      this.#strategy = createStrategy({
        ...options,
        strategy: choice.strategy,
        concurrency: choice.concurrency,
      });
      return this.#strategy;
    })();
    return this.#choosing;
  }

  /** Runs one task. */
  run(input: I, options: RunOptions = {}): Promise<O> {
    if (this.#closed) return Promise.reject(new ClosedError());
    if (!this.#strategy) return this.#choose([input], null).then(() => this.run(input, options));
    const strategy = this.#strategy;
    const index = this.#runs++;
    const timeout = options.timeout ?? this.#options.timeout;
    return new Promise<O>((resolve, reject) => {
      strategy.submit(
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
    const strategy = this.#strategy;
    if (!strategy) {
      return import('./advise/auto.js').then(async ({ autoSampleSize }) => {
        await this.#choose(inputs.slice(0, autoSampleSize(inputs.length)), inputs.length);
        return this.map(inputs, options as MapOptions & { settle: true });
      });
    }
    return new Promise((resolve, reject) => {
      const results = new Array<unknown>(inputs.length);
      let remaining = inputs.length;
      let failed = false;
      if (remaining === 0) return resolve([]);
      // Outcomes may arrive before mapArray returns (synchronous tasks in-process): hence `handle?.`.
      let handle: MapHandle | undefined;
      handle = strategy.mapArray(inputs, (index, error, value) => {
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
    if (!this.#strategy) {
      const { autoSampleSize, takeSample } = await import('./advise/auto.js');
      const taken = await takeSample(inputs, autoSampleSize(null));
      await this.#choose(taken.sample, taken.exhausted ? taken.sample.length : null);
      yield* this.stream(taken.all, options as StreamOptions & { settle: true });
      return;
    }
    const strategy = this.#strategy;
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
    /** An async source's next(), asked for while results were in flight and not yet answered. */
    let pending: Promise<IteratorResult<I>> | undefined;
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
        const limit = fixedLimit ?? strategy.capacityHint();
        // Refill only once half the window is free, then in bulk: topping up one input per result
        // would send the workers one input per message, in lockstep with the results.
        const refill = inFlight <= limit >> 1;
        while (refill && !exhausted && inFlight < limit && (ready.length === 0 || syncIterator)) {
          let step: IteratorResult<I>;
          if (!asyncIterator) {
            step = syncIterator!.next();
          } else if (inFlight === 0) {
            step = await (pending ?? asyncIterator.next());
            pending = undefined;
          } else {
            // A slow source must not hold back results that are ready: whichever comes first.
            pending ??= asyncIterator.next();
            const first = await Promise.race([
              pending,
              new Promise<typeof RESULT_READY>((resolve) => {
                wake = () => resolve(RESULT_READY);
              }),
            ]);
            wake = undefined;
            if (first === RESULT_READY) break;
            step = first;
            pending = undefined;
          }
          if (step.done) {
            exhausted = true;
            break;
          }
          const index = nextIndex++;
          inFlight++;
          strategy.submit(new TaskRequest(step.value, index, undefined, timeout, done));
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
      // With a next() still unanswered (a stalled source), return() would wait behind it: don't.
      if (!exhausted) {
        const closing = (asyncIterator ?? syncIterator)?.return?.();
        if (!pending) await closing;
      }
    }
  }

  /** Per-task timeline entries, when the executor was made with `timeline: true`. */
  timeline(): TimelineEntry[] {
    return this.#strategy?.timeline() ?? [];
  }

  /** CPU and memory of the workers that are not this process's own threads. */
  usage(): Promise<WorkerUsage> {
    return (
      this.#strategy?.usage() ??
      Promise.resolve({ childCpuUser: 0, childCpuSystem: 0, childRss: 0, workersStarted: 0 })
    );
  }

  /** Lets queued and in-flight work finish, runs `teardown` in every worker, then ends them all. */
  async close(): Promise<void> {
    this.#closed = true;
    // Under auto, a choice under way still ends in a strategy to close; no choice, nothing to close.
    if (this.#choosing) await this.#choosing.catch(() => undefined);
    await this.#strategy?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

export function createExecutor<I = unknown, O = unknown>(options: ExecutorOptions): Executor<I, O> {
  return new Executor<I, O>(options);
}
