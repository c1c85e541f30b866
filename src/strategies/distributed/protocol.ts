/**
 * What the producer (the `distributed` strategy) and `fanout worker` say to each other through Redis.
 * Both sides import this file; nothing here does I/O.
 *
 * Each run has a queue of its own, `<queue>.<run id>`, announced to the workers on the base queue's
 * control channel and listed, with a heartbeat, in the base queue's runs hash (see runQueue below and
 * docs/distributed.md, "Each run's queue"). A job carries many inputs (a batch), their indices in the
 * producer's call, the task module's identity, and the key of its run's results list. The worker pushes one result record per job onto that list (RPUSH), then completes the job.
 * A Redis list is never trimmed, unlike BullMQ's event stream, so a result pushed is a result the
 * producer will read, however far behind it is. A job that never pushes (its worker died) is found
 * by the producer's reconciliation against the job itself (src/strategies/distributed/reconcile.ts).
 */
import { deserialize, serialize } from 'node:v8';
import type { SerializedError } from '../../core/errors.js';

/** The job's data, as BullMQ stores it (JSON). */
export interface JobData {
  /** The run that made the job: its results list is `resultsKey(queue, run)`. */
  run: string;
  /** The task module as the producer named it (a path or URL), for messages. */
  path: string;
  /** SHA-256 of the module's bytes, hex. */
  hash: string;
  /** The export to call. */
  export: string;
  /** The inputs, v8-serialised (the structured clone algorithm, as between processes), base64. */
  inputs: string;
  /** How many inputs `inputs` holds. */
  count: number;
  /** Each input's index in the producer's call (`context.index`): the first one when they follow on. */
  index: number | number[];
  /**
   * The positions of the inputs that may be cancelled alone (their caller gave them a signal, or a
   * time-out the job does not carry): each gets a signal of its own. The others share the job's, which
   * fires when the whole job is cancelled or its run ends (a signal each would cost more than a
   * no-op task).
   */
  alone?: number[];
  /** The time-out per input, in ms, run by the worker's own executor as well as by the producer. */
  timeout?: number;
  /** The executor's `taskOptions`, v8-serialised, base64; absent when undefined. */
  options?: string;
}

/**
 * A job's outcomes, pushed by the worker onto the run's results list (v8-serialised): all of them at
 * once, or, for a job still running after PARTIAL_MS, what is done so far, then the rest.
 */
export interface ResultRecord {
  /** The job id. */
  job: string;
  /** Who ran it: `host:pid`. */
  worker: string;
  /** Wall time the worker spent on the job's inputs, in ms. */
  busyMs: number;
  /** When the worker started and ended the job (ms since the epoch), for the timeline. */
  start: number;
  end: number;
  /** The value at each position reported (undefined where it failed). */
  values: unknown[];
  /** `[position in the job, error]` for each input reported that failed, in order. */
  errors: [number, SerializedError][];
  /** The positions this record reports; absent: every one. */
  at?: number[];
  /** More records of this job follow (its `busyMs` is not the job's yet). */
  partial?: boolean;
  /** Set when the worker refused the job: its module differs from the job's. */
  refused?: { path: string; hash: string };
  /** Tasks the worker runs at once (its executor's concurrency × tasks in flight per worker). */
  slots?: number;
}

/**
 * A job still running after this long reports what is done so far, and again as often: one input
 * that takes long does not hold back the results of the others in its job. Jobs are sized to about
 * JOB_TARGET_MS (sizing.ts), so most report once.
 */
export const PARTIAL_MS = 200;

/** The list a run's workers push result records onto. */
export function resultsKey(queue: string, run: string): string {
  return `fanout:${queue}:results:${run}`;
}

/**
 * A run's own BullMQ queue: the base queue (`queue`, `fanout worker --queue`) and the run's id. Its
 * jobs, locks and events never mix with another run's, and the run removes the whole queue when it ends.
 */
export function runQueue(queue: string, run: string): string {
  return `${queue}.${run}`;
}

/**
 * The runs live on a base queue, a hash: each run's id and its entry (RunEntry, JSON). What a worker
 * that starts late finds, and what every worker reads before it joins a run.
 */
export function runsKey(queue: string): string {
  return `fanout:${queue}:runs`;
}

/** The lock one party holds while it clears an ended run away (clear.ts). */
export function clearLockKey(queue: string, run: string): string {
  return `fanout:${queue}:clearing:${run}`;
}

/** The producer's limits for the workers' local pools, per run (the executor's options of the same names). */
export interface RunLimits {
  setupTimeout: number;
  teardownTimeout: number;
  maxMemoryMb?: number;
}

/**
 * A run's entry in the runs hash: the task module it runs (a worker whose module differs does not
 * join it) and the limits its workers' local pools honour.
 */
export interface RunEntry {
  /** The task module as the producer named it. */
  path: string;
  /** SHA-256 of the module's bytes, hex. */
  hash: string;
  /** The export its jobs call. */
  export: string;
  limits: RunLimits;
}

export function encodeEntry(entry: RunEntry): string {
  return JSON.stringify(entry);
}

/** The entry, or undefined when the text is not one (a run of an older fanout, say). */
export function decodeEntry(text: string | undefined): RunEntry | undefined {
  if (text === undefined) return undefined;
  try {
    const entry = JSON.parse(text) as RunEntry;
    return typeof entry?.hash === 'string' && typeof entry.path === 'string' && entry.limits
      ? entry
      : undefined;
  } catch {
    return undefined;
  }
}

/** A key for the limits, to tell apart the local executors made for them. */
export function limitsKey(limits: RunLimits): string {
  return `${limits.setupTimeout}/${limits.teardownTimeout}/${limits.maxMemoryMb ?? ''}`;
}

/** A run's heartbeat: a key its producer keeps alive; once it is gone for RUN_TTL_MS the run is over. */
export function beatKey(queue: string, run: string): string {
  return `fanout:${queue}:beat:${run}`;
}

/** The channel a base queue's producers talk to its workers on (ControlMessage, JSON). */
export function controlChannel(queue: string): string {
  return `fanout:${queue}:control`;
}

/** How long a run's heartbeat lives without its producer renewing it, in ms. */
export const RUN_TTL_MS = 10_000;
/** How often a producer renews its heartbeat, and a worker looks over the runs hash, in ms. */
export const BEAT_MS = 2_000;

/**
 * What a producer tells the workers of its base queue: a run began (take its jobs), ended (let go,
 * stop its tasks, remove its keys), or some inputs are cancelled (abort their tasks' signals).
 */
export type ControlMessage = { t: 'start'; run: string } | { t: 'end'; run: string } | Cancel;

/**
 * Positions `at` in job `job` (all of them when absent) are cancelled: `why` words it, and a time-out
 * reaches the task as a TimeoutError, an abort as an AbortError (as under every strategy).
 */
export interface Cancel {
  t: 'cancel';
  run: string;
  job: string;
  at?: number[];
  why: string;
  timeout?: boolean;
}

export function encodeControl(message: ControlMessage): string {
  return JSON.stringify(message);
}

/** The message, or undefined when it is not one of ours. */
export function decodeControl(text: string): ControlMessage | undefined {
  try {
    const message = JSON.parse(text) as ControlMessage;
    return typeof message?.run === 'string' && ['start', 'end', 'cancel'].includes(message.t)
      ? message
      : undefined;
  } catch {
    return undefined;
  }
}

/** Each input's index in the producer's call, from a job's `index`. */
export function indicesOf(index: number | number[], count: number): number[] {
  return Array.isArray(index) ? index : Array.from({ length: count }, (_, k) => index + k);
}

/** A job's id: the run's id, a dot, the job's number (BullMQ ids may not hold a colon). */
export function jobId(run: string, seq: number): string {
  return `${run}.${seq}`;
}

/** How long a results list outlives its last push: a producer that died leaves nothing for ever. */
export const RESULTS_TTL_MS = 3_600_000;

/** The name the worker's BullMQ connections carry, so `getWorkers` sees them. */
export const WORKER_NAME = 'fanout-worker';

export function encodeInputs(inputs: readonly unknown[]): string {
  return serialize(inputs).toString('base64');
}

/** `taskOptions` for a job: absent when undefined, so most jobs carry nothing. */
export function encodeOptions(options: unknown): string | undefined {
  return options === undefined ? undefined : serialize(options).toString('base64');
}

export function decodeOptions(data: string | undefined): unknown {
  return data === undefined ? undefined : deserialize(Buffer.from(data, 'base64'));
}

export function decodeInputs(data: string): unknown[] {
  return deserialize(Buffer.from(data, 'base64')) as unknown[];
}

export function encodeRecord(record: ResultRecord): Buffer {
  return serialize(record);
}

export function decodeRecord(buffer: Buffer): ResultRecord {
  return deserialize(buffer) as ResultRecord;
}

/** The largest output a worker sends back, serialised: 16 MiB (Redis strings reach 512 MiB, but a
 * job holds many outputs, and one list entry is read in one reply). */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * The name a `fanout worker`'s main connection carries (CLIENT SETNAME): the first 16 hex digits of
 * its module's hash, the worker's `host:pid`, and its base queue (spaces, which a name may not hold,
 * as `_`). A producer reads them to tell whether workers listen with another module, and whether the
 * workers that joined its run are still alive.
 */
export function workerConnectionName(queue: string, hash: string, worker: string): string {
  return `${WORKER_PREFIX}${hash.slice(0, 16)}:${noSpaces(worker)}:${noSpaces(queue)}`;
}

const WORKER_PREFIX = 'fanout-worker:';

function noSpaces(text: string): string {
  return text.replace(/\s/g, '_');
}

/** Every connection name in CLIENT LIST's text. */
export function connectionNames(clientList: string): Set<string> {
  return new Set([...clientList.matchAll(/ name=(\S+)/g)].map((match) => match[1]!));
}

/** The module hashes (16 hex digits) of the workers listening on `queue`, from CLIENT LIST's text. */
export function listeningHashes(clientList: string, queue: string): string[] {
  const hashes: string[] = [];
  const wanted = noSpaces(queue);
  for (const name of connectionNames(clientList)) {
    if (!name.startsWith(WORKER_PREFIX)) continue;
    const rest = name.slice(WORKER_PREFIX.length);
    // hash:host:pid:queue (a host name holds no colon; a queue name may)
    const fields = rest.split(':');
    if (fields.slice(3).join(':') === wanted) hashes.push(fields[0]!);
  }
  return hashes;
}

/**
 * The workers that joined a run and have not let go of it yet (a hash: connection name → 1). A
 * worker writes its entry before its BullMQ Worker can take a job, and deletes it once it has let go;
 * the producer clears the run when no entry's connection is alive.
 */
export function holdersKey(queue: string, run: string): string {
  return `fanout:${queue}:holders:${run}`;
}
