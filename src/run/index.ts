/** The production runner: NDJSON in, one result line per input out, resumable. */

export { countInputs, PRESCAN_MAX_BYTES } from './count.js';
export { ABORTED_CODE, encodeValue, INPUT_CODE, OUTPUT_JSON_CODE } from './encode.js';
export { FIFO_READER_WAIT_MS, FIFO_RETRY_MS, SetupAbortedError } from './fifo.js';
export {
  FINGERPRINT_SAMPLE_BYTES,
  fingerprintInputs,
  type InputsCheck,
  type InputsFingerprint,
  RECORD_SUFFIX,
} from './fingerprint.js';
export {
  type InputRecord,
  type JobProgress,
  type JobResult,
  MAX_WAITING_RETRIES,
  ORDER_WINDOW,
} from './job.js';
export { InputLineParser, MAX_INPUT_LINE_BYTES, parseInputLines } from './lines.js';
export { LOCK_SUFFIX, type LockRecord, OutputLockedError } from './lock.js';
export { inspectOutput, type OutputState } from './resume.js';
export { type RunHandle, type RunSummary, type StartRunOptions, startRun } from './run.js';
export { FLUSH_INTERVAL_MS, FLUSH_MAX_BYTES, FLUSH_MAX_LINES } from './sink.js';
