import { ClosedError, callAborted, OptionError } from '../core/errors.js';
import {
  type AdaptiveBounds,
  type ExecutorOptions,
  expectNonNegativeInteger,
  expectPositiveInteger,
  type ResolvedOptions,
  resolveOptions,
  type StrategyName,
} from '../core/options.js';
import type { Indexed, LimitBucket, LimitPoint, Settled, TimelineEntry, WorkerUsage } from '../core/types.js';
import { type MapHandle, type Strategy, TaskRequest } from '../strategies/strategy.js';
import { assertTaskExists } from '../task/load.js';
import { createStrategy } from './create-strategy.js';
import { type Inputs, readAhead } from './read-ahead.js';
import { type TakenSample, takeSample } from './sample.js';

export interface RunOptions {
  /** Aborts this task: it fails with an AbortError and its `context.signal` fires. */
  signal?: AbortSignal;
  /** A time-out for this task, in ms; overrides the executor's. */
  timeout?: number;
  /**
   * The index the task sees as `context.index` and its errors name. `fanout worker` passes each
   * input's index in the producer's call.
   * @default how many `run` calls this executor had before this one
   */
  index?: number;
}

export interface MapOptions {
  /**
   * Return every outcome, like `Promise.allSettled`, instead of failing on the first error.
   * @default false
   */
  settle?: boolean;
  /**
   * Abandons the whole call: `map` rejects (and `stream` throws) an AbortError at once, nothing more
   * is started, and tasks already running see their own `context.signal` fire (under `map` over an
   * array) or finish unseen.
   */
  signal?: AbortSignal;
}

export interface StreamOptions extends MapOptions {
  /**
   * How many inputs may be read ahead of the results handed out.
   * @default what keeps every worker busy, at most 8,192
   */
  highWaterMark?: number;
  /**
   * How many inputs the stream will yield, when the caller knows (`fanout run` counts its inputs
   * file). Under `auto`, the advisor weighs what probing could save against the job's size, and
   * says when the job is too small to parallelise; unknown, it can only go by its budget.
   */
  total?: number;
}

function settleRun(request: TaskRequest, error: Error | undefined, value: unknown): void {
  if (error) request.reject!(error);
  else request.resolve!(value);
}

/** What `strategy: 'auto'` chose: a strategy and its concurrency, and whatever the chooser adds. */
export interface Chosen {
  strategy: StrategyName;
  concurrency: number;
  /** Tasks in flight per worker (threads and processes); 1 when absent. */
  inFlight?: number;
  /**
   * Results the chooser got for sampled inputs, by their index in the sample: the job's own, handed
   * out as they are instead of running those inputs again.
   */
  kept?: ReadonlyMap<number, unknown>;
  /**
   * A limit that moves while the job runs (async), within these bounds, from `concurrency`; `floorMs`,
   * the latency without a queue the chooser measured, lets it start there at once (no slow start).
   */
  adaptive?: AdaptiveBounds & { floorMs?: number };
  /**
   * An executor of the chosen configuration that the chooser made with `ChooseRequest.open` while
   * choosing: its workers, started and warm, run the job instead of new ones.
   */
  warm?: Executor;
}

/** A configuration the chooser may open an executor of, with the job's own options. */
export interface OpenConfig {
  strategy: StrategyName;
  concurrency: number;
  inFlight?: number;
}

/**
 * Who picks the strategy under `auto`. The executor only knows this shape; the advisor provides it
 * (src/auto/), so that the executor never imports the advisor.
 */
export interface StrategyChooser {
  /** How many of the first inputs to sample from a job of `total` inputs (null: unknown, as for a stream). */
  sampleSize(total: number | null): number;
  choose(request: ChooseRequest): Promise<Chosen>;
}

export interface ChooseRequest {
  task: string;
  export: string;
  taskOptions: unknown;
  /** The job's first inputs; they are run while choosing and not kept. */
  sample: readonly unknown[];
  /** The job's size, or null when unknown. */
  total: number | null;
  /** The caller's `concurrency`, as a cap on the search. */
  maxConcurrency?: number;
  /** The executor's time-out per task, in ms: a result that took longer must not be kept. */
  timeout?: number;
  /**
   * An executor of `config` with every other option the job's own (its time-outs, memory limit,
   * chunk size): handed back as `Chosen.warm` when it is the choice, the job adopts it, workers and all.
   */
  open?: (config: OpenConfig) => Executor;
}

/** The job's own options under another configuration. */
function optionsFor(options: ResolvedOptions, config: OpenConfig): ExecutorOptions {
  const { timeout, chunkSize, maxMemoryMb } = options;
  return {
    task: options.taskUrl,
    export: options.exportName,
    taskOptions: options.taskOptions,
    strategy: config.strategy,
    concurrency: config.concurrency,
    inFlight: config.inFlight ?? 1,
    isolate: options.isolate,
    timeline: options.timeline,
    setupTimeout: options.setupTimeout,
    teardownTimeout: options.teardownTimeout,
    ...(timeout === undefined ? {} : { timeout }),
    ...(chunkSize === undefined ? {} : { chunkSize }),
    ...(maxMemoryMb === undefined ? {} : { maxMemoryMb }),
  };
}

const NOTHING_KEPT: ReadonlyMap<number, unknown> = new Map();

/**
 * Runs one task module under one strategy. A thin shell: the work is done by the strategy.
 *
 * @example
 * const executor = createExecutor({ task: './task.js', strategy: 'threads' });
 * const results = await executor.map([1, 2, 3]);
 * await executor.close();
 */
export class Executor<I = unknown, O = unknown> {
  /** Undefined under `auto` until the chooser has chosen. */
  #strategy: Strategy | undefined;
  #choosing: Promise<Strategy> | undefined;
  #choice: Chosen | undefined;
  readonly #chooser: StrategyChooser | undefined;
  readonly #options: ResolvedOptions;
  #closed = false;
  #runs = 0;

  /** `chooser` is what `auto` asks; without one, `auto` is refused. */
  constructor(options: ExecutorOptions, chooser?: StrategyChooser) {
    this.#options = resolveOptions(options);
    this.#chooser = chooser;
    if (this.#options.strategy === 'auto' && chooser === undefined) {
      throw new OptionError(
        "`strategy: 'auto'` needs the advisor: create the executor with createExecutor from 'fanout'",
      );
    }
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

  /** The limit of tasks in flight; under `concurrency: 'adaptive'`, the one it started from. */
  get concurrency(): number {
    return this.#strategy?.concurrency ?? 0;
  }

  /** Tasks in flight per worker: above 1 under the hybrid model (threads or processes). */
  get inFlight(): number {
    return this.#strategy?.inFlight ?? 1;
  }

  /**
   * Under `concurrency: 'adaptive'` (or `inFlight: 'adaptive'`, or where `auto` chose an adaptive
   * limit), the bounds the limit stays within; otherwise undefined. Under `inFlight: 'adaptive'` this
   * limit, its history and its range count tasks in flight per worker (`adaptivePerWorker`).
   */
  get adaptive(): AdaptiveBounds | undefined {
    const chosen = this.#choice?.adaptive;
    const bounds =
      this.#options.adaptive ??
      this.#options.inFlightAdaptive ??
      (chosen && { min: chosen.min, max: chosen.max });
    return bounds && { ...bounds };
  }

  /** Whether the adaptive limit is the tasks in flight per worker (`inFlight: 'adaptive'`) rather than in all. */
  get adaptivePerWorker(): boolean {
    return this.#options.inFlightAdaptive !== undefined;
  }

  /** The limit of tasks in flight now: where an adaptive limit has moved to, or the fixed one. */
  concurrencyNow(): number {
    return this.#strategy?.adaptive?.now() ?? this.concurrency;
  }

  /** Under `concurrency: 'adaptive'`, the limit over time (a point at the start, then its changes). */
  concurrencyHistory(): LimitPoint[] {
    return this.#strategy?.adaptive?.history() ?? [];
  }

  /**
   * Under an adaptive limit, the run in stretches of equal length: the limit at the end of each beside
   * the tasks that ended in it and their mean latency (at most 120 stretches, whatever the run's length).
   */
  concurrencySeries(): LimitBucket[] {
    return this.#strategy?.adaptive?.series?.() ?? [];
  }

  /** The lowest and highest the limit has been (a fixed limit: both the same). */
  concurrencyRange(): { min: number; max: number } {
    return this.#strategy?.adaptive?.range() ?? { min: this.concurrency, max: this.concurrency };
  }

  /** Under `strategy: 'auto'`, what was chosen. */
  get choice(): Chosen | undefined {
    return this.#choice;
  }

  /**
   * `auto`: the advisor measures a sample of the inputs (fresh ones first, some run more than once:
   * tasks must be safe to repeat) and picks the strategy and concurrency; every later call uses that
   * choice. Resolves to the results kept for this sample: empty for any call but the one whose
   * sample was measured.
   */
  #choose(sample: readonly unknown[], total: number | null): Promise<ReadonlyMap<number, unknown>> {
    if (this.#choosing) return this.#choosing.then(() => NOTHING_KEPT);
    this.#choosing = (async () => {
      const options = this.#options;
      const choice = await this.#chooser!.choose({
        task: options.taskUrl,
        export: options.exportName,
        taskOptions: options.taskOptions,
        sample,
        total,
        ...(options.concurrency > 0 ? { maxConcurrency: options.concurrency } : {}),
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
        open: (config) => new Executor(optionsFor(options, config)),
      });
      // The warm executor is spent either way: adopted, or closed.
      const { warm, ...chosen } = choice;
      this.#choice = chosen;
      const { adaptive } = choice;
      const adopted = warm === undefined ? undefined : warm.#handOver(choice);
      if (warm && !adopted) await warm.close();
      this.#strategy =
        adopted ??
        createStrategy({
          ...options,
          strategy: choice.strategy,
          concurrency: choice.concurrency,
          inFlight: choice.inFlight ?? 1,
          ...(adaptive === undefined
            ? {}
            : {
                adaptive: { min: adaptive.min, max: adaptive.max },
                ...(adaptive.floorMs === undefined ? {} : { adaptiveFloorMs: adaptive.floorMs }),
              }),
        });
      return this.#strategy;
    })();
    return this.#choosing.then(() => this.#choice?.kept ?? NOTHING_KEPT);
  }

  /**
   * Gives this executor's strategy to the job's executor when it runs `choice` exactly (a fixed limit:
   * an adaptive one is built for the job); this executor is then closed, the strategy no longer its
   * own. Undefined otherwise.
   */
  #handOver(choice: Chosen): Strategy | undefined {
    const strategy = this.#strategy;
    if (
      this.#closed ||
      strategy === undefined ||
      choice.adaptive !== undefined ||
      strategy.name !== choice.strategy ||
      strategy.concurrency !== choice.concurrency ||
      (strategy.inFlight ?? 1) !== (choice.inFlight ?? 1)
    ) {
      return undefined;
    }
    this.#closed = true;
    this.#strategy = undefined;
    return strategy;
  }

  /**
   * Starts the workers now (threads, processes), rather than as the first tasks arrive, so that their
   * start-up overlaps whatever the caller does meanwhile. Does nothing for the other strategies, or
   * under `auto` before it has chosen.
   */
  prestart(): void {
    if (!this.#closed) this.#strategy?.prestart?.();
  }

  /** Runs one task. */
  run(input: I, options: RunOptions = {}): Promise<O> {
    if (this.#closed) return Promise.reject(new ClosedError());
    if (!this.#strategy) return this.#choose([input], null).then(() => this.run(input, options));
    const strategy = this.#strategy;
    let index: number;
    try {
      index = options.index === undefined ? this.#runs++ : expectNonNegativeInteger('index', options.index);
    } catch (error) {
      return Promise.reject(error);
    }
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
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(callAborted('map', signal.reason));
    if (!Array.isArray(inputs)) return this.#mapIterable(inputs, settle, signal);
    const strategy = this.#strategy;
    if (!strategy) {
      const size = this.#chooser!.sampleSize(inputs.length);
      return this.#choose(inputs.slice(0, size), inputs.length).then((kept) =>
        this.#mapAround(inputs, kept, options),
      );
    }
    return new Promise((resolve, reject) => {
      const results = new Array<unknown>(inputs.length);
      let remaining = inputs.length;
      let failed = false;
      if (remaining === 0) return resolve([]);
      // Outcomes may arrive before mapArray returns (synchronous tasks in-process): hence `handle?.`.
      let handle: MapHandle | undefined;
      const stop = (error: Error): void => {
        failed = true;
        signal?.removeEventListener('abort', onAbort);
        handle?.cancel();
        reject(error);
      };
      const onAbort = (): void => stop(callAborted('map', signal!.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      handle = strategy.mapArray(inputs, (index, error, value) => {
        if (failed) return;
        if (error && !settle) {
          stop(error);
          return;
        }
        results[index] = settle
          ? error
            ? { index, status: 'rejected', reason: error }
            : { index, status: 'fulfilled', value }
          : value;
        if (--remaining === 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve(results as O[] | Settled<O>[]);
        }
      });
      if (failed) handle.cancel();
    });
  }

  /** `map` of the inputs whose results were not kept while choosing, the kept ones put in their places. */
  async #mapAround(
    inputs: readonly I[],
    kept: ReadonlyMap<number, unknown>,
    options: MapOptions,
  ): Promise<O[] | Settled<O>[]> {
    if (kept.size === 0) return this.map(inputs as I[], options as MapOptions & { settle: true });
    const settle = options.settle === true;
    const rest: number[] = [];
    for (let i = 0; i < inputs.length; i++) if (!kept.has(i)) rest.push(i);
    const outcomes = await this.map(
      rest.map((i) => inputs[i]!),
      options as MapOptions & { settle: true },
    );
    const results = new Array<unknown>(inputs.length);
    for (const [index, value] of kept)
      results[index] = settle ? { index, status: 'fulfilled', value } : value;
    outcomes.forEach((outcome, position) => {
      const index = rest[position]!;
      results[index] = settle ? { ...(outcome as Settled<O>), index } : outcome;
    });
    return results as O[] | Settled<O>[];
  }

  async #mapIterable(
    inputs: Inputs<I>,
    settle: boolean,
    signal: AbortSignal | undefined,
  ): Promise<O[] | Settled<O>[]> {
    const results: unknown[] = [];
    for await (const outcome of this.stream(inputs, { settle: true, ...(signal ? { signal } : {}) })) {
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
    const total = options.total === undefined ? undefined : expectNonNegativeInteger('total', options.total);
    if (!this.#strategy) {
      const taken = await takeSample(inputs, this.#chooser!.sampleSize(total || null));
      // Nothing to run: nothing to choose for.
      if (taken.sample.length === 0) return;
      const kept = await this.#choose(taken.sample, taken.exhausted ? taken.sample.length : total || null);
      yield* this.#streamAround(taken, kept, options as StreamOptions & { settle: true });
      return;
    }
    yield* readAhead<I, O>(this.#strategy, inputs, {
      settle: options.settle === true,
      signal: options.signal,
      highWaterMark:
        options.highWaterMark === undefined
          ? undefined
          : expectPositiveInteger('highWaterMark', options.highWaterMark),
      timeout: this.#options.timeout,
    });
  }

  /**
   * The stream after `auto` chose: the results kept while choosing first, then the other inputs, each
   * outcome under its own index in the whole stream.
   */
  async *#streamAround(
    taken: TakenSample<I>,
    kept: ReadonlyMap<number, unknown>,
    options: StreamOptions & { settle: true },
  ): AsyncGenerator<Settled<O>> {
    const { settle, signal } = options;
    const { total: _total, ...rest } = options;
    if (kept.size === 0) {
      yield* this.stream(taken.all, rest);
      return;
    }
    for (const [index, value] of kept) {
      if (signal?.aborted) throw callAborted('stream', signal.reason);
      yield (settle ? { index, status: 'fulfilled', value } : { index, value }) as Settled<O>;
    }
    // Positions in the rest of the stream → indices in the whole one. Past the sample, the offset is fixed.
    const sampled = taken.sample.length;
    const origin: number[] = [];
    async function* others(): AsyncGenerator<I> {
      let index = 0;
      for await (const input of taken.all) {
        if (index >= sampled || !kept.has(index)) {
          if (index < sampled) origin.push(index);
          yield input;
        }
        index++;
      }
    }
    for await (const outcome of this.stream(others(), rest)) {
      const position = outcome.index;
      const index = position < origin.length ? origin[position]! : position - origin.length + sampled;
      yield { ...outcome, index };
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

/** An executor of one fixed strategy; `auto` needs a chooser (the public createExecutor gives one). */
export function createExecutor<I = unknown, O = unknown>(
  options: ExecutorOptions,
  chooser?: StrategyChooser,
): Executor<I, O> {
  return new Executor<I, O>(options, chooser);
}
