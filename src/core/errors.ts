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
  | 'ERR_FANOUT_LOCKED'
  | 'ERR_FANOUT_DISTRIBUTED';

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

/**
 * A TaskLoadError from any copy of this module. A worker runs a joined copy of its code
 * (scripts/join-worker-entries.mjs) while what it imports later (ts-loader.js) has this file's own
 * class, so `instanceof` would miss one made by the other: the code is what they share.
 */
export function isTaskLoadError(error: unknown): error is TaskLoadError {
  return error instanceof Error && (error as { code?: unknown }).code === 'ERR_FANOUT_TASK_LOAD';
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

/** `distributed`: Redis or the workers behind it failed the run (no worker, Redis gone, module differs). */
export class DistributedError extends FanoutError {
  readonly index: number;
  constructor(message: string, index = -1, cause?: unknown) {
    super(message, 'ERR_FANOUT_DISTRIBUTED', cause === undefined ? undefined : { cause });
    this.index = index;
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
export type RunsIn = 'in-process' | 'thread' | 'process' | 'remote';

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

// ── distributed: the words for what a queue of remote workers can do wrong ────────────────────

/** Nobody listens on the queue: said once, to every input waiting, after `waitedMs`. */
export function noWorkers(
  queue: string,
  where: string,
  waitedMs: number,
  /** When known: how many workers listen on the queue with another task module, and the producer's module. */
  others?: { count: number; path: string },
): DistributedError {
  const start = `no worker took jobs from queue "${queue}" on ${where} for ${waitedMs} ms (the \`noWorkerTimeout\` option): `;
  if (others && others.count > 0) {
    return new DistributedError(
      `${start}${others.count} worker${others.count === 1 ? ' listens' : 's listen'} there, but with a different task module (not the bytes of ${others.path}): ` +
        'start one with this module, `fanout worker <task> --redis <url>`',
    );
  }
  return new DistributedError(`${start}start one with \`fanout worker <task> --redis <url>\``);
}

/** Redis has not answered for `downMs`: the run gives up rather than hang. */
export function redisDown(where: string, downMs: number, cause?: unknown): DistributedError {
  return new DistributedError(
    `Redis at ${where} has not answered for ${downMs} ms (the \`redisDownTimeout\` option)${cause ? `: ${reasonOf(cause)}` : ''}`,
    -1,
    cause,
  );
}

/** A worker whose task module is not the producer's refused the input. */
export function moduleMismatch(
  label: string,
  index: number,
  worker: string,
  theirs: { path: string; hash: string },
  ours: { hash: string },
): DistributedError {
  return new DistributedError(
    `input ${index} of ${label} was refused by worker ${worker}: its task module ${theirs.path} ` +
      `(sha256 ${theirs.hash.slice(0, 12)}) is not this one (sha256 ${ours.hash.slice(0, 12)}); ` +
      'run the same file on every machine',
    index,
  );
}

/** An input whose job killed every worker that took it. */
export function inputKilledWorkers(
  label: string,
  index: number,
  attempts: number,
  reason: string,
): WorkerDiedError {
  return new WorkerDiedError(
    `input ${index} of ${label} killed every worker that ran it (${attempts} attempts, each ending in a lost worker: ${reason})`,
    index,
  );
}

/** A failure reported by a remote worker's own executor (its message names the worker's local index). */
export function remoteFailed(label: string, index: number, worker: string, cause: Error): DistributedError {
  return new DistributedError(
    `input ${index} of ${label} failed on worker ${worker}: ${reasonOf(cause)}`,
    index,
    cause,
  );
}

/** An output too big to send back through Redis. */
export function outputTooLarge(label: string, index: number, bytes: number, limit: number): CloneError {
  return new CloneError(
    `the output of input ${index} from ${label} is ${bytes} bytes serialised, above the ${limit}-byte limit of distributed results`,
    index,
  );
}
