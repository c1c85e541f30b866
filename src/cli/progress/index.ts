/** The CLI's progress on stderr: `compare` and `demo` (steps.ts) and `run` (run.ts), over one core. */
export { PLAIN_PROGRESS_INTERVAL_MS } from './core.js';
export {
  createRateMeter,
  type ProgressDisplay,
  RATE_WINDOW_MS,
  RUN_BAR_INTERVAL_MS,
  type RunProgressOptions,
  startProgress,
} from './run.js';
export { createProgress, endLine, type Progress, type ProgressOptions, stepLabel } from './steps.js';
