/** Stable codes the CLI and callers can branch on. */
export type ErrorCode =
  | 'ERR_FANOUT_OPTION'
  | 'ERR_FANOUT_TASK'
  | 'ERR_FANOUT_TASK_LOAD'
  | 'ERR_FANOUT_SETUP'
  | 'ERR_FANOUT_WORKER_DIED'
  | 'ERR_FANOUT_TIMEOUT'
  | 'ERR_FANOUT_ABORTED'
  | 'ERR_FANOUT_CLONE'
  | 'ERR_FANOUT_CLOSED'
  | 'ERR_FANOUT_LOCKED';

/** Base class of every error fanout raises itself. */
export class FanoutError extends Error {
  readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** A bad option or argument, found before any work starts. */
export class OptionError extends FanoutError {
  constructor(message: string) {
    super(message, 'ERR_FANOUT_OPTION');
  }
}

/** The task threw or rejected; `cause` is the original error (rebuilt when it crossed a boundary). */
export class TaskError extends FanoutError {
  readonly index: number;
  constructor(message: string, index: number, cause: unknown) {
    super(message, 'ERR_FANOUT_TASK', { cause });
    this.index = index;
  }
}

/** The task module could not be loaded, or has no such export. */
export class TaskLoadError extends FanoutError {
  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_FANOUT_TASK_LOAD', cause === undefined ? undefined : { cause });
  }
}

/** The module's `setup` threw. */
export class SetupError extends FanoutError {
  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_FANOUT_SETUP', cause === undefined ? undefined : { cause });
  }
}

/** The worker running the task died (exit, crash, out of memory, signal). */
export class WorkerDiedError extends FanoutError {
  readonly index: number;
  constructor(message: string, index: number, cause?: unknown) {
    super(message, 'ERR_FANOUT_WORKER_DIED', cause === undefined ? undefined : { cause });
    this.index = index;
  }
}

/** The task ran past its time-out. */
export class TimeoutError extends FanoutError {
  readonly index: number;
  constructor(message: string, index: number) {
    super(message, 'ERR_FANOUT_TIMEOUT');
    this.index = index;
  }
}

/** The caller aborted the task through its AbortSignal. */
export class AbortError extends FanoutError {
  readonly index: number;
  constructor(message: string, index: number, cause?: unknown) {
    super(message, 'ERR_FANOUT_ABORTED', cause === undefined ? undefined : { cause });
    this.index = index;
  }
}

/** An input or output is not a structured-cloneable value. */
export class CloneError extends FanoutError {
  readonly index: number;
  constructor(message: string, index: number, cause?: unknown) {
    super(message, 'ERR_FANOUT_CLONE', cause === undefined ? undefined : { cause });
    this.index = index;
  }
}

/** The executor was used after `close()`. */
export class ClosedError extends FanoutError {
  constructor(message = 'the executor is closed: create a new one to run more work') {
    super(message, 'ERR_FANOUT_CLOSED');
  }
}

/** An error reduced to plain data so it can cross a thread or process boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  cause?: SerializedError;
}

const MAX_CAUSE_DEPTH = 4;

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'NonError', message: `a non-Error value was thrown: ${describe(error)}` };
  }
  const out: SerializedError = { name: error.name, message: error.message };
  if (error.stack !== undefined) out.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH)
    out.cause = serializeError(error.cause, depth + 1);
  return out;
}

export function deserializeError(data: SerializedError): Error {
  const error = new Error(data.message, data.cause ? { cause: deserializeError(data.cause) } : undefined);
  Object.defineProperty(error, 'name', {
    value: data.name,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  if (data.stack !== undefined) error.stack = data.stack;
  if (data.code !== undefined) (error as Error & { code?: unknown }).code = data.code;
  return error;
}

/** A short, safe description of any value for error messages: `0 (number)`, `"abc" (string)`. */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (string)`;
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value === 'symbol') return `${String(value)} (symbol)`;
  if (value === null || typeof value !== 'object') return `${String(value)} (${typeof value})`;
  return `[object ${value.constructor?.name ?? 'Object'}]`;
}

// ── Wording: every message about a task's outcome is composed here, for every strategy ─────────

/** Where a task ran, as messages name it: the calling process, or a kind of worker. */
export type RunsIn = 'in-process' | 'thread' | 'process';

/** `Name: message` of anything thrown. */
export function reasonOf(thrown: unknown): string {
  return thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
}

export function taskFailed(label: string, index: number, cause: Error): TaskError {
  return new TaskError(`task ${label} failed on input ${index}: ${reasonOf(cause)}`, index, cause);
}

export function taskTimedOut(label: string, index: number, timeoutMs: number | undefined): TimeoutError {
  return new TimeoutError(`input ${index} of ${label} timed out after ${timeoutMs} ms`, index);
}

export function taskAborted(label: string, index: number, reason: unknown): AbortError {
  return new AbortError(`input ${index} of ${label} was aborted`, index, reason);
}

/** The caller's signal stopped a whole `map` or `stream`; `index` is -1: no one input is to blame. */
export function callAborted(call: 'map' | 'stream', reason: unknown): AbortError {
  return new AbortError(`the ${call} was aborted by its signal`, -1, reason);
}

/** An input of a map that failed fast, never started. */
export function taskNotRun(label: string, index: number): AbortError {
  return new AbortError(`input ${index} of ${label} was not run: its map failed`, index);
}

export function inputNotCloneable(index: number, runsIn: RunsIn, problem: string): CloneError {
  const how = runsIn === 'in-process' ? 'cannot be cloned' : `cannot be sent to a ${runsIn} worker`;
  return new CloneError(`input ${index} ${how}: ${problem} (inputs must survive structured cloning)`, index);
}

export function outputNotCloneable(
  label: string,
  index: number,
  runsIn: RunsIn,
  problem: string,
): CloneError {
  const how = runsIn === 'in-process' ? 'cannot be cloned' : `cannot be sent back from a ${runsIn} worker`;
  return new CloneError(
    `the output of input ${index} from ${label} ${how}: ${problem} (outputs must survive structured cloning)`,
    index,
  );
}

export function setupFailed(label: string, cause: unknown): SetupError {
  return new SetupError(`setup of ${label} threw: ${reasonOf(cause)}`, cause);
}

export function setupTimedOut(label: string, timeoutMs: number): SetupError {
  return new SetupError(
    `setup of ${label} did not finish within ${timeoutMs} ms (the \`setupTimeout\` option): it may be stuck`,
  );
}

/** A warning: close went on without the teardown. */
export function teardownTimedOut(label: string, timeoutMs: number, workerId?: number): string {
  const where = workerId === undefined ? '' : ` in worker ${workerId}`;
  return `teardown of ${label}${where} did not finish within ${timeoutMs} ms (the \`teardownTimeout\` option): closed without it`;
}

/** A warning, not an error: every result is in by the time teardown runs. */
export function teardownWarning(label: string, cause: unknown, workerId?: number): string {
  const where = workerId === undefined ? '' : ` in worker ${workerId}`;
  return `teardown of ${label}${where} threw: ${reasonOf(cause)}`;
}

/** A worker died; `how` says how (see the pool's exit description), `cause` is what it threw, if anything. */
export function workerDied(
  workerId: number,
  kind: RunsIn,
  label: string,
  index: number,
  how: string,
  cause: unknown,
  inFlight = 1,
): WorkerDiedError {
  const alongside = inFlight > 1 ? ` (one of ${inFlight} inputs in flight on it, all failed)` : '';
  return new WorkerDiedError(
    `worker ${workerId} (${kind}) died while running input ${index}${alongside} of ${label}: ${how}`,
    index,
    cause,
  );
}

export function workerDiedLoading(
  workerId: number,
  kind: RunsIn,
  label: string,
  how: string,
  cause: unknown,
): TaskLoadError {
  return new TaskLoadError(`worker ${workerId} (${kind}) died while loading ${label}: ${how}`, cause);
}
