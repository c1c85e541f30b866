export {
  AbortError,
  CloneError,
  ClosedError,
  type ErrorCode,
  FanoutError,
  OptionError,
  SetupError,
  TaskError,
  TaskLoadError,
  TimeoutError,
  WorkerDiedError,
} from './errors.js';
export {
  createExecutor,
  Executor,
  type MapOptions,
  type RunOptions,
  type StreamOptions,
} from './executor.js';
export { DEFAULT_ASYNC_CONCURRENCY, type ExecutorOptions, STRATEGIES, type StrategyName } from './options.js';
export type {
  Indexed,
  Settled,
  SetupContext,
  TaskContext,
  TaskFunction,
  TimelineEntry,
  WorkerUsage,
} from './types.js';
