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
export {
  type ReportData,
  type ReportProbe,
  type ReportSection,
  type ReportStrategy,
  type ReportTimelineEntry,
  renderHtmlReport,
  writeHtmlReport,
} from './report/html/index.js';
export type {
  Indexed,
  Settled,
  SetupContext,
  TaskContext,
  TaskFunction,
  TimelineEntry,
  WorkerUsage,
} from './types.js';
export {
  type FanoutServer,
  type ServerOptions,
  type ServerStats,
  startServer,
  WORKLOADS,
  type WorkloadName,
  workloadUrl,
} from './workloads/index.js';
