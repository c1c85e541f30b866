export {
  type Advice,
  type AdviseOptions,
  type AutoChoice,
  advise,
  autoSampleSize,
  chooseStrategy,
  type Probe,
  type Projection,
  renderAdvice,
  type Verdict,
} from './advise/index.js';
export { createExecutor, Executor } from './auto/executor.js';
export {
  AbortError,
  CloneError,
  ClosedError,
  DistributedError,
  type ErrorCode,
  FanoutError,
  OptionError,
  SetupError,
  TaskError,
  TaskLoadError,
  TimeoutError,
  WorkerDiedError,
} from './core/errors.js';
export {
  type AdaptiveBounds,
  type AdaptiveConcurrency,
  DEFAULT_ADAPTIVE_MAX,
  DEFAULT_ADAPTIVE_MIN,
  DEFAULT_ASYNC_CONCURRENCY,
  type ExecutorOptions,
  LOCAL_STRATEGIES,
  STRATEGIES,
  /** Every value `strategy` accepts, `auto` included (the name predates the executor's `auto`). */
  STRATEGY_CHOICES as RUN_STRATEGIES,
  type StrategyName,
} from './core/options.js';
export type {
  Indexed,
  LimitPoint,
  Settled,
  SetupContext,
  TaskContext,
  TaskFunction,
  TimelineEntry,
  WorkerUsage,
} from './core/types.js';
export type { MapOptions, RunOptions, StreamOptions } from './executor/executor.js';
export { type CompareOptions, compareStrategies, DEFAULT_RUNS, DEFAULT_WARMUP } from './measure/compare.js';
export {
  type AdaptiveLevel,
  type Configuration,
  formatLevel,
  type Sweep,
} from './measure/configuration.js';
export type { SpreadWarning, Summary } from './measure/stats.js';
export type {
  AdaptiveMeasurement,
  Comparison,
  FailureSample,
  LimitFigures,
  MachineInfo,
  Mismatch,
  ProgressEvent,
  RssMethod,
  RunLimit,
  RunMeasurement,
  StrategyMeasurement,
} from './measure/types.js';
export {
  type ReportData,
  type ReportProbe,
  type ReportSection,
  type ReportStrategy,
  type ReportTimelineEntry,
  renderHtmlReport,
  writeHtmlReport,
} from './report/html/index.js';
export { renderJson } from './report/json.js';
export { renderMarkdown } from './report/markdown.js';
export { renderComparison, renderNotes, renderSummary, renderSweep, renderTable } from './report/table.js';
export {
  type InputRecord,
  OutputLockedError,
  type RunHandle,
  type RunSummary,
  type StartRunOptions,
  startRun,
} from './run/index.js';
export {
  type FanoutServer,
  type ServerOptions,
  type ServerStats,
  startServer,
  WORKLOADS,
  type WorkloadName,
  workloadUrl,
} from './workloads/index.js';
