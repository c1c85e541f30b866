/** What every task receives as its second argument. */
export interface TaskContext<State = unknown> {
  /** The worker running this task: 1, 2, … for threads and processes; 0 for the calling process. */
  readonly workerId: number;
  /**
   * The input's index: its place in the array or iterable of a `map` or `stream`, or the count of
   * `run` calls before it on this executor.
   */
  readonly index: number;
  /** What this worker's `setup` returned (undefined without a `setup`). */
  readonly state: State;
  /** Aborted when the task times out, is cancelled by the caller, or its `map` was abandoned. */
  readonly signal: AbortSignal;
  /** The executor's `taskOptions`. */
  readonly options: unknown;
}

/** What `setup` receives. */
export interface SetupContext {
  readonly workerId: number;
  readonly options: unknown;
}

export type TaskFunction<I = unknown, O = unknown> = (input: I, context: TaskContext) => O | Promise<O>;

/** One entry of the per-task timeline: which worker ran which input, when (ms since the Unix epoch). */
export interface TimelineEntry {
  workerId: number;
  index: number;
  start: number;
  end: number;
}

/** Like `PromiseSettledResult`, with the input's index. */
export type Settled<T> =
  | { index: number; status: 'fulfilled'; value: T }
  | { index: number; status: 'rejected'; reason: Error };

/** A result from `stream`: the value and the index of the input it came from. */
export interface Indexed<T> {
  index: number;
  value: T;
}

/** Resource figures of the workers, for the measurements. */
export interface WorkerUsage {
  /** CPU time (user + system) of child processes, in µs; threads are counted in the main process's own figure. */
  childCpuUser: number;
  childCpuSystem: number;
  /** Sum of the children's RSS at the last report, in bytes. */
  childRss: number;
  /** Workers started so far, replacements included. */
  workersStarted: number;
}

/** The limit of tasks in flight from `time` on (ms since the Unix epoch), under `concurrency: 'adaptive'`. */
export interface LimitPoint {
  time: number;
  limit: number;
}

/**
 * A stretch of an adaptive run, for drawing the limit beside throughput and latency: the tasks that
 * ended in it, and the limit at its end. Times in ms since the Unix epoch.
 */
export interface LimitBucket {
  start: number;
  end: number;
  /** The limit at the end of the stretch. */
  limit: number;
  /** Tasks that ended in it, and of those, the ones that failed or timed out. */
  done: number;
  failed: number;
  /** The mean latency of the tasks that succeeded in it, in ms; undefined when none did. */
  latencyMs: number | undefined;
}
