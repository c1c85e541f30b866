/** The shapes a run takes in and gives out. */

/** One line of the inputs, parsed or not (the shape `readInputLines` yields). */
export type InputRecord = { line: number; value: unknown } | { line: number; error: string };

/** Live figures, for the progress display. */
export interface JobProgress {
  /** Inputs recorded, by this run and (on --resume) by the earlier ones. */
  done: number;
  failed: number;
  inFlight: number;
  waitingRetry: number;
  /** Under `concurrency: 'adaptive'`, the limit of tasks in flight now; per worker under `inFlight: 'adaptive'`. */
  limit?: number;
  /** Under `inFlight: 'adaptive'`: the workers, each with `limit` tasks in flight at most. */
  limitWorkers?: number;
}

export interface JobResult {
  /** Input records read (every non-blank line up to where reading stopped). */
  read: number;
  /** Read but recorded by an earlier run. */
  skipped: number;
  /** Lines written by this run: succeeded, failed, and aborted by a second signal. */
  ok: number;
  failed: number;
  aborted: number;
  /** Retries started. */
  retried: number;
  /** Read but not recorded (in flight when the run stopped or failed, or waiting for a retry). */
  unrecorded: number;
  /** Every input was read and recorded. */
  complete: boolean;
  /** What stopped the run early (a signal's name), if anything. */
  stoppedBy: string | undefined;
  /** Set when a second request aborted the inputs in flight. */
  abortedBy: string | undefined;
  /** An error that ended the run: the task failed to load or set up, the output failed, the inputs failed. */
  fatal: Error | undefined;
}
