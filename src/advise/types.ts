/**
 * What the advisor measures and concludes. Every figure is in milliseconds, bytes or a plain count;
 * every ratio is a fraction between 0 and 1. The whole `Advice` survives `JSON.stringify`.
 */
import type { StrategyName } from '../core/options.js';

/** What the advisor decided the workload is. */
export type VerdictKind = 'io-bound' | 'cpu-bound' | 'mixed' | 'too-small';

/** The advisor's answer. */
export interface Verdict {
  /**
   * - `io-bound`: the task mostly waits (the event loop sat idle through most of it);
   * - `cpu-bound`: the task mostly computes on the event loop's thread;
   * - `mixed`: it does a fair share of both;
   * - `too-small`: the whole job would finish sequentially before parallel workers could pay off.
   */
  kind: VerdictKind;
  /** The recommended strategy. */
  strategy: StrategyName;
  /** The recommended concurrency (1 for `sequential`): workers for threads and processes. */
  concurrency: number;
  /** Tasks in flight per worker (above 1: the hybrid model, `threads=2x32`); 1 for every other model. */
  inFlight: number;
  /**
   * Under `auto`, for a task that mostly waits: the limit moves while the job runs (async's
   * `concurrency: 'adaptive'`) within `min`–`max`, from `concurrency`, with the sample's median task
   * time (`floorMs`) as its latency without a queue. Absent: a fixed limit.
   */
  adaptive?: { min: number; max: number; floorMs: number };
  /** Why, in plain words, each citing the measured figures behind it. */
  reasons: string[];
  /** What could make this verdict wrong: failed inputs or probes, repeated runs that disagreed. */
  warnings: string[];
  /**
   * False when a warning means the figures cannot decide (most of the sample failed, the task failed
   * under concurrency, a level measured twice disagreed beyond the noise): `strategy` and
   * `concurrency` are then where the figures lean, not a conclusion.
   */
  settled: boolean;
}

/** The sequential sample: the task run on the first inputs, one at a time, in this process. */
export interface SampleFigures {
  /** Inputs measured, not counting the first (which pays for loading the module and `setup`). */
  tasks: number;
  /** Distinct inputs run (the sample may go round them again: `tasks` counts every run). */
  tried: number;
  /** Sampled inputs whose task threw; they are left out of the figures. */
  failed: number;
  /** Wall time of the first input, with loading the task module and running `setup`. */
  firstTaskMs: number;
  /** Mean wall time per task. */
  wallMs: number;
  /** Mean CPU time (user + system, every thread of this process) per task. */
  cpuMs: number;
  /** Mean time per task that the event loop was busy (`performance.eventLoopUtilization` deltas). */
  busyMs: number;
  /**
   * Total CPU time over total wall time: near 1 for work that computes, near 0 for work that waits;
   * above 1 when the task keeps other threads busy too (the libuv pool, native code).
   */
  cpuShare: number;
  /**
   * Total event-loop busy time over total wall time: the share of a task that `async` cannot overlap
   * with other tasks. Unlike `cpuShare` it does not shrink when other programs compete for the CPU.
   */
  busyShare: number;
  /** Median and 95th percentile of the wall time per task. */
  p50Ms: number;
  p95Ms: number;
}

/** What it costs to pass the task's inputs and outputs between threads or processes. */
export interface MessageFigures {
  /** Mean size of one input, serialized (`v8.serialize`, the format both threads and processes use). */
  inputBytes: number;
  /** Mean size of one output, serialized. */
  outputBytes: number;
  /** Mean time to structured-clone one input and its output: the least a round trip costs. */
  cloneMs: number;
}

/** The fixed cost of starting each model, measured with the user's own task. */
export interface StartupFigures {
  /** Loading the module and running `setup` in this process: the first input's excess over the mean. */
  inProcessMs: number;
  /** Creating a one-thread executor until its first result, less the task's own mean time; null if it failed. */
  threadsMs: number | null;
  /**
   * Whether `threadsMs` is only what was left, once the sample was over, of a start-up begun beside it
   * (beside.ts): what the job still pays on the workers held, less than a new worker costs.
   */
  threadsRest?: boolean;
  /** The same with one child process; null if it failed. */
  processesMs: number | null;
}

/** The figures behind a verdict. */
export interface AdviceMeasurements {
  /** Inputs in the whole job (what the projections are for); null when unknown. */
  total: number | null;
  /** `os.availableParallelism()` on this machine. */
  cores: number;
  /** The time budget the advisor was given, and the time it took. */
  budgetMs: number;
  elapsedMs: number;
  sample: SampleFigures;
  message: MessageFigures;
  startup: StartupFigures;
  /** The thresholds the verdict was reached with (see src/advise/thresholds.ts). */
  thresholds: Record<string, number>;
}

/**
 * One measured run of the task under one strategy at one concurrency: the points the report charts
 * as throughput against concurrency. The sequential sample is the probe `sequential` at 1.
 */
export interface Probe {
  strategy: StrategyName;
  concurrency: number;
  /** Tasks in flight per worker: above 1, the hybrid model. */
  inFlight: number;
  /** Inputs run in the measured part (after a warm-up that started the workers). */
  tasks: number;
  /** How many of them failed. */
  failed: number;
  /** Wall time of the measured part. */
  wallMs: number;
  /** CPU time of the measured part: this process (its threads included) and its child processes. */
  cpuMs: number;
  /** Measured throughput. */
  tasksPerSecond: number;
  /** Median and 95th percentile of the time each task ran (from start to result, in its worker). */
  p50Ms: number;
  p95Ms: number;
  /** Throughput against the sequential sample's. */
  speedup: number;
  /**
   * How busy the event loops were: the calling thread's utilisation for sequential and async, CPU time
   * per worker over wall time for threads and processes. Near 1, more tasks in flight cannot help.
   */
  loopShare: number;
}

/** The projected wall time of the whole job under one model, at that model's best measured level. */
export interface Projection {
  strategy: StrategyName;
  concurrency: number;
  /** Tasks in flight per worker, when above 1 (the hybrid). */
  inFlight?: number;
  wallMs: number;
  /**
   * `probe`: start-up plus the inputs divided by a measured throughput.
   * `bound`: the best it could possibly do (start-up plus a perfect division of the sequential time):
   * given where measuring further was not worth the time, as with a job too small to parallelise.
   */
  basis: 'probe' | 'bound';
}

export interface Advice {
  verdict: Verdict;
  measurements: AdviceMeasurements;
  /** Every probe, in the order run: sequential first. */
  probes: Probe[];
  /** One per model measured, fastest first. Empty when the job's size is unknown. */
  projections: Projection[];
}

/** What `advise` needs. */
export interface AdviseOptions {
  /** The task module: a path, a `file:` URL string or a URL (as for `createExecutor`). */
  task: string | URL;
  /** The export to call. @default 'default' */
  export?: string;
  /** The inputs to sample from: the advisor runs some of them, some more than once. */
  inputs: readonly unknown[];
  /** Inputs in the whole job, when `inputs` is only a part of it. @default inputs.length */
  total?: number | null;
  /**
   * About how long to spend, in ms. A soft limit: one task that runs longer is not interrupted.
   * @default 10_000
   */
  budgetMs?: number;
  /**
   * The highest concurrency to try, under any strategy.
   * @default 256 for async; for workers the core count (up to 4 per core for a task that also waits)
   */
  maxConcurrency?: number;
  /**
   * Spend at most this share of the job's projected sequential time advising (on top of `budgetMs`),
   * for `strategy: 'auto'`, where advising longer than the job would take is a loss. Off by default.
   */
  maxShareOfJob?: number;
  /** Given to the task as `context.options`, as for `createExecutor`. */
  taskOptions?: unknown;
  /** A time-out per task in ms, as for `createExecutor`, for every run the advisor makes. Off by default. */
  timeout?: number;
  /** Told what the advisor is doing, a line at a time (for a progress display). */
  onProgress?: (message: string) => void;
}
