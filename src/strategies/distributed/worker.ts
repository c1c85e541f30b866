/**
 * The worker's side of `distributed` (what `fanout worker` runs). It listens on its base queue's
 * control channel and runs hash for runs (protocol.ts): for each live run of its own module it opens a
 * BullMQ Worker on that run's own queue, whose processor hands each job's inputs to this machine's own executor and
 * pushes the outcomes onto the run's results list before it completes the job. Pushing first is what
 * makes the result safe: a worker that dies after the push leaves a job that runs again, and its
 * second result is dropped by the producer; one that dies before leaves a job that runs again, and
 * nothing was said. When a run ends, the worker stops its tasks and lets go of its queue; when the run
 * ended because its heartbeat stopped (no producer left to do it), it then clears the run away (clear.ts).
 *
 * The executor comes from the caller (`runLocal`), so this layer never imports the executor's.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { serialize } from 'node:v8';
import type { Job, Worker } from 'bullmq';
import {
  outputNotCloneable,
  outputTooLarge,
  type SerializedError,
  serializeError,
} from '../../core/errors.js';
import { DEFAULT_SETUP_TIMEOUT_MS, DEFAULT_TEARDOWN_TIMEOUT_MS } from '../../core/options.js';
import type { Settled } from '../../core/types.js';
import { taskLabel } from '../../task/label.js';
import { clearRun } from './clear.js';
import { moduleIdentity } from './identity.js';
import {
  BEAT_MS,
  beatKey,
  type Cancel,
  controlChannel,
  decodeControl,
  decodeEntry,
  decodeInputs,
  decodeOptions,
  encodeRecord,
  holdersKey,
  indicesOf,
  type JobData,
  MAX_OUTPUT_BYTES,
  PARTIAL_MS,
  RESULTS_TTL_MS,
  type ResultRecord,
  RUN_TTL_MS,
  type RunEntry,
  type RunLimits,
  resultsKey,
  runQueue,
  runsKey,
  workerConnectionName,
} from './protocol.js';
import { JOBS_PER_WORKER, LOCK_MS, MAX_STALLS, STALL_CHECK_MS } from './timings.js';
import { within } from './within.js';

/** The limits of a job whose run this worker has let go of meanwhile: the executor's defaults. */
const DEFAULT_LIMITS: RunLimits = {
  setupTimeout: DEFAULT_SETUP_TIMEOUT_MS,
  teardownTimeout: DEFAULT_TEARDOWN_TIMEOUT_MS,
};
/** Keys of a BullMQ queue (under its `bull:<name>:` prefix) that any write to it leaves. */
const QUEUE_KEYS = [
  'meta',
  'events',
  'id',
  'wait',
  'active',
  'marker',
  'stalled-check',
  'completed',
  'failed',
];
/** How long a worker whose Redis is gone waits for BullMQ to let go at close. */
const FORCED_CLOSE_MS = 2000;
/** How long each step of clearing an ended run away may take before the worker goes on without it. */
const CLEANUP_MS = 2000;
/** How long the worker remembers a run that ended, so that a look at the runs begun before the end never joins it again. */
const ENDED_MEMORY_MS = 6 * RUN_TTL_MS;

export interface WorkerSettings {
  /** How long a job's lock lasts, in ms (renewed at half that while it runs). */
  lockMs: number;
  /** How often this worker looks for jobs whose worker is gone, in ms. */
  stallCheckMs: number;
  /** How many times a job may lose its worker and run again. */
  maxStalls: number;
  /** Jobs this worker runs at once, per run. */
  jobs: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  lockMs: LOCK_MS,
  stallCheckMs: STALL_CHECK_MS,
  maxStalls: MAX_STALLS,
  jobs: JOBS_PER_WORKER,
};

/** What the worker says about each job, for progress. */
export interface JobReport {
  inputs: number;
  failed: number;
  /** Its module differed: the job was refused. */
  refused: boolean;
  ms: number;
}

/** How a job's inputs are to run on this machine. */
export interface LocalJob {
  /** Each input's index in the producer's call: the task's `context.index`. */
  indices: number[];
  /** Each input's signal (one per input), fired when the producer cancels it or its run ends. */
  signals: AbortSignal[];
  /** The time-out per input, in ms, if the producer set one. */
  timeout: number | undefined;
  /** The producer's limits for the local pool that runs this run's inputs. */
  limits: RunLimits;
  /** Told each input's outcome as it settles (position in the job), so long jobs report as they go. */
  onOutcome(k: number, outcome: Settled<unknown>): void;
}

export interface QueueWorkerOptions extends Partial<WorkerSettings> {
  /** The Redis URL. */
  connection: string;
  /** The base queue: the runs announced on it are the ones this worker takes. */
  queue: string;
  taskUrl: string;
  /**
   * Runs a job's inputs on this machine with the module's export `exportName` and the producer's
   * `taskOptions` (`optionsKey` tells them apart cheaply): one outcome per input, in order.
   */
  runLocal(
    inputs: unknown[],
    exportName: string,
    taskOptions: unknown,
    optionsKey: string,
    job: LocalJob,
  ): Promise<Settled<unknown>[]>;
  /** Tasks this worker runs at once, told to producers so that a job can fill them. @default 1 */
  slots?: number;
  onJob?(report: JobReport): void;
  /** A live run this worker does not join, and why (said once per run). */
  onSkip?(run: string, why: string): void;
  /** A Redis or BullMQ error (they are retried: this is for telling, not for stopping). */
  onError?(error: Error): void;
}

export interface QueueWorker {
  /** `host:pid`: how results and errors name this worker. */
  readonly name: string;
  /** The runs this worker has joined and not yet left. */
  runs(): string[];
  /** Takes nothing new, lets the jobs it holds finish and push their results, then disconnects. */
  close(): Promise<void>;
}

/** One run this worker has joined: its BullMQ Worker and the tasks it runs now. */
interface Joined {
  readonly worker: Worker;
  readonly entry: RunEntry;
  /** The signals of the jobs running now, by job id. */
  readonly running: Map<string, Signals>;
  /** Cancellations that arrived before their job started here, by job id. */
  readonly early: Map<string, Cancel[]>;
  leaving?: Promise<void>;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const settings = { ...DEFAULT_WORKER_SETTINGS, ...definedOnly(options) };
  // Loaded here, not at the top: BullMQ and ioredis take most of a second to load.
  const [{ Queue, Worker }, { connect }] = await Promise.all([import('bullmq'), import('./connection.js')]);
  const name = `${hostname()}:${process.pid}`;
  const identity = moduleIdentity(options.taskUrl);
  const label = taskLabel(options.taskUrl);
  const base = options.queue;
  // One connection for every run's BullMQ Worker (each adds its own blocking one), the results and the
  // runs hash; one for the control channel (a subscribed connection can do nothing else).
  // Named after the base queue and the module, so that a producer nobody serves can tell that workers
  // listen with another module (protocol.ts, workerConnectionName).
  const connectionName = workerConnectionName(base, identity.hash, name);
  const client = connect(options.connection, connectionName);
  const subscriber = connect(options.connection);
  const joined = new Map<string, Joined>();
  /** When each run's heartbeat was first seen missing. */
  const missing = new Map<string, number>();
  /** Runs that ended here (their producer said so), and when: never joined again. */
  const ended = new Map<string, number>();
  /** Runs not joined because their module differs: said once each. */
  const skipped = new Set<string>();
  /** Each run's clearing under way. */
  const clearing = new Map<string, Promise<void>>();
  let closing = false;

  /** One record onto the run's results list, which lives RESULTS_TTL_MS past its last push. */
  const push = async (run: string, buffer: Buffer): Promise<void> => {
    const key = resultsKey(base, run);
    await client.multi().rpush(key, buffer).pexpire(key, RESULTS_TTL_MS).exec();
  };

  const processorFor =
    (run: string) =>
    async (job: Job): Promise<number> => {
      const data = job.data as JobData;
      const start = Date.now();
      let record: ResultRecord;
      if (data.hash !== identity.hash) {
        record = {
          job: job.id!,
          worker: name,
          busyMs: 0,
          start,
          end: start,
          values: [],
          errors: [],
          refused: identity,
        };
      } else {
        const inputs = decodeInputs(data.inputs);
        const controllers: Signals = { job: new AbortController(), own: new Map() };
        // Every input of the job listens to the job's signal: thousands of listeners are expected.
        setMaxListeners(0, controllers.job.signal);
        for (const k of data.alone ?? []) controllers.own.set(k, new AbortController());
        const here = joined.get(run);
        here?.running.set(job.id!, controllers);
        for (const cancel of here?.early.get(job.id!) ?? []) abortAt(controllers, cancel);
        here?.early.delete(job.id!);
        const began = performance.now();
        // What is done so far goes out every PARTIAL_MS while the job runs.
        const outcomes = new Array<Settled<unknown> | undefined>(inputs.length);
        const sent = new Uint8Array(inputs.length);
        let partials = false;
        let sending: Promise<void> = Promise.resolve();
        const flush = (): void => {
          const at: number[] = [];
          for (let k = 0; k < outcomes.length; k++) if (outcomes[k] && !sent[k]) at.push(k);
          if (at.length === 0) return;
          for (const k of at) sent[k] = 1;
          partials = true;
          const part = toRecord(job.id!, name, 0, start, outcomes, at, true);
          sending = sending.then(() => push(data.run, encodeSafely(part, label)));
        };
        const timer = setInterval(flush, PARTIAL_MS);
        try {
          const settled = await options.runLocal(
            inputs,
            data.export,
            decodeOptions(data.options),
            data.options ?? '',
            {
              indices: indicesOf(data.index, data.count),
              signals: inputs.map((_, k) => (controllers.own.get(k) ?? controllers.job).signal),
              timeout: data.timeout,
              limits: here?.entry.limits ?? DEFAULT_LIMITS,
              onOutcome: (k, outcome) => {
                outcomes[k] = outcome;
              },
            },
          );
          clearInterval(timer);
          await sending;
          const rest: number[] = [];
          for (let k = 0; k < settled.length; k++) if (!sent[k]) rest.push(k);
          const busyMs = performance.now() - began;
          record = toRecord(job.id!, name, busyMs, start, settled, partials ? rest : undefined, false);
        } finally {
          clearInterval(timer);
          here?.running.delete(job.id!);
        }
      }
      if (options.slots !== undefined && options.slots > 1) record.slots = options.slots;
      await push(data.run, encodeSafely(record, label));
      options.onJob?.({
        inputs: data.count,
        failed: record.refused ? data.count : record.errors.length,
        refused: record.refused !== undefined,
        ms: Date.now() - start,
      });
      return data.count;
    };

  const join = (run: string, entry: RunEntry): void => {
    if (closing || joined.has(run) || ended.has(run)) return;
    // Before the BullMQ Worker's first command on this connection: the producer sees this worker hold
    // the run before it can take a job.
    client.hset(holdersKey(base, run), connectionName, '1').catch(() => 0);
    const worker = new Worker(runQueue(base, run), processorFor(run), {
      connection: client,
      concurrency: settings.jobs,
      lockDuration: settings.lockMs,
      stalledInterval: settings.stallCheckMs,
      maxStalledCount: settings.maxStalls,
      // How long an idle worker's blocking wait for a job lasts (s): short, so leaving is quick.
      drainDelay: 1,
      name,
    });
    worker.on('error', (error) => options.onError?.(error));
    joined.set(run, { worker, entry, running: new Map(), early: new Map() });
  };

  /** Clears an ended run away (clear.ts), once at a time per run here. */
  const clear = (run: string): Promise<void> => {
    let done = clearing.get(run);
    if (!done) {
      done = (async () => {
        if (client.status !== 'ready') return;
        // skipMetasUpdate: a Queue writes its meta key once connected, which would land after the clearing.
        const queue = new Queue(runQueue(base, run), { connection: client, skipMetasUpdate: true });
        queue.on('error', () => {});
        try {
          await clearRun(client, queue, base, run, CLEANUP_MS);
        } finally {
          await within(queue.close(), CLEANUP_MS);
        }
      })().finally(() => clearing.delete(run));
      clearing.set(run, done);
    }
    return done;
  };

  /**
   * Lets go of a run: its BullMQ Worker closed and its last writes done. `ended` (the run is over)
   * stops its tasks first; otherwise (this worker drains) the jobs held finish and report.
   */
  const letGo = (run: string, ended: boolean): Promise<void> => {
    const here = joined.get(run);
    if (!here) return Promise.resolve();
    if (ended) {
      for (const controllers of here.running.values())
        abortAt(controllers, { t: 'cancel', run, job: '', why: 'its run ended' });
    }
    here.leaving ??= (async () => {
      if (client.status === 'ready') await here.worker.close();
      else await within(here.worker.close(true), FORCED_CLOSE_MS);
      // A stall check under way outlives close(): its write (the queue's stalled-check key) is this worker's too.
      const checker = (here.worker as unknown as { stalledCheckerPromise?: Promise<unknown> })
        .stalledCheckerPromise;
      if (checker) await within(checker, FORCED_CLOSE_MS);
      joined.delete(run);
      await within(client.hdel(holdersKey(base, run), connectionName), CLEANUP_MS);
    })();
    return here.leaving;
  };

  /** Whether any of the run queue's own keys is there: something of the run is left to clear. */
  const leftovers = async (run: string): Promise<boolean> => {
    const keys = QUEUE_KEYS.map((key) => `bull:${runQueue(base, run)}:${key}`);
    return (await client.exists(...keys).catch(() => 0)) > 0;
  };

  /** Its producer ended the run: let go of it, and never join it again (the producer clears it away). */
  const onEnd = async (run: string): Promise<void> => {
    ended.set(run, Date.now());
    const held = joined.has(run);
    await letGo(run, true);
    if (!held || client.status !== 'ready') return;
    // Held past the producer's wait and cleared meanwhile (by a worker, the run's heartbeat having
    // lapsed): what this worker wrote since is its own to clear.
    const listed = await client.hexists(runsKey(base), run).catch(() => 1);
    if (!listed && (await leftovers(run))) await clear(run);
  };

  /** The run's heartbeat stopped for good (its producer was killed, or could not wait): let go, then clear it. */
  const onLapse = async (run: string): Promise<void> => {
    ended.set(run, Date.now());
    await letGo(run, true);
    await clear(run);
  };

  /** Joins the live runs of the base queue, and leaves (and clears) those whose heartbeat stopped. */
  const sweep = async (): Promise<void> => {
    const listed = await client.hgetall(runsKey(base));
    const now = Date.now();
    for (const [run, at] of ended) if (now - at > ENDED_MEMORY_MS) ended.delete(run);
    const runs = [...new Set([...Object.keys(listed), ...joined.keys()])];
    for (const run of missing.keys()) if (!runs.includes(run)) missing.delete(run);
    if (runs.length === 0) return;
    const alive = await Promise.all(runs.map((run) => client.exists(beatKey(base, run))));
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i]!;
      if (alive[i]) {
        missing.delete(run);
        const entry = decodeEntry(listed[run]);
        if (entry === undefined || joined.has(run)) continue;
        if (entry.hash === identity.hash) {
          join(run, entry);
        } else if (!skipped.has(run)) {
          skipped.add(run);
          options.onSkip?.(
            run,
            `its task module is ${entry.path} (sha256 ${entry.hash.slice(0, 12)}…), this worker's is ${identity.path} (sha256 ${identity.hash.slice(0, 12)}…)`,
          );
        }
        continue;
      }
      const since = missing.get(run) ?? now;
      missing.set(run, since);
      // Gone for a whole heartbeat's life again: its producer is gone (or Redis lost it and it did not come back).
      if (now - since >= RUN_TTL_MS) {
        missing.delete(run);
        skipped.delete(run);
        void onLapse(run);
      }
    }
  };
  let sweeping = false;
  const sweepNow = (): void => {
    if (sweeping || closing) return;
    sweeping = true;
    sweep()
      .catch((error: unknown) => options.onError?.(error as Error))
      .finally(() => {
        sweeping = false;
      });
  };

  subscriber.on('message', (_channel: string, text: string) => {
    const message = decodeControl(text);
    if (!message) return;
    if (message.t === 'start') {
      if (!joined.has(message.run)) sweepNow();
    } else if (message.t === 'end') {
      skipped.delete(message.run);
      void onEnd(message.run);
    } else {
      const here = joined.get(message.run);
      if (!here) return;
      const controllers = here.running.get(message.job);
      if (controllers) abortAt(controllers, message);
      else here.early.set(message.job, [...(here.early.get(message.job) ?? []), message]);
    }
  });
  await subscriber.subscribe(controlChannel(base));
  await sweep();
  const timer = setInterval(sweepNow, BEAT_MS);
  return {
    name,
    runs: () => [...joined.keys()],
    close: async () => {
      closing = true;
      clearInterval(timer);
      // Draining needs Redis (each job held reports its results there): without it, each run's
      // worker stops now, and the jobs held go back to other workers once their locks expire.
      await Promise.all([...joined.keys()].map((run) => letGo(run, false)));
      await Promise.all(clearing.values());
      if (client.status === 'ready')
        await within(Promise.allSettled([client.quit(), subscriber.quit()]), FORCED_CLOSE_MS);
      client.disconnect();
      subscriber.disconnect();
    },
  };
}

/** A running job's signals: the job's own, and one for each input that may be cancelled alone. */
interface Signals {
  readonly job: AbortController;
  readonly own: Map<number, AbortController>;
}

/** Aborts the signals `cancel` names (all when it names no positions), with a reason saying why. */
function abortAt(signals: Signals, cancel: Cancel): void {
  const reason = new DOMException(
    `This operation was ${cancel.timeout ? 'timed out' : 'aborted'} by the producer: ${cancel.why}`,
    cancel.timeout ? 'TimeoutError' : 'AbortError',
  );
  if (cancel.at === undefined) {
    signals.job.abort(reason);
    for (const controller of signals.own.values()) controller.abort(reason);
  } else {
    for (const k of cancel.at) signals.own.get(k)?.abort(reason);
  }
}

function definedOnly(options: Partial<WorkerSettings>): Partial<WorkerSettings> {
  const out: Partial<WorkerSettings> = {};
  for (const key of ['lockMs', 'stallCheckMs', 'maxStalls', 'jobs'] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}

/** A record of the outcomes at positions `at` (every one when undefined). */
function toRecord(
  job: string,
  worker: string,
  busyMs: number,
  start: number,
  outcomes: readonly (Settled<unknown> | undefined)[],
  at: number[] | undefined,
  partial: boolean,
): ResultRecord {
  const values = new Array<unknown>(outcomes.length);
  const errors: [number, SerializedError][] = [];
  const report = (k: number): void => {
    const outcome = outcomes[k]!;
    if (outcome.status === 'fulfilled') values[k] = outcome.value;
    else errors.push([k, serializeError(outcome.reason)]);
  };
  if (at === undefined) for (let k = 0; k < outcomes.length; k++) report(k);
  else for (const k of at) report(k);
  const record: ResultRecord = { job, worker, busyMs, start, end: Date.now(), values, errors };
  if (at !== undefined) record.at = at;
  if (partial) record.partial = true;
  return record;
}

/**
 * The record, serialised; an output that cannot be (or is above MAX_OUTPUT_BYTES) fails its input
 * instead of the whole job.
 */
function encodeSafely(record: ResultRecord, label: string): Buffer {
  let buffer: Buffer | undefined;
  try {
    buffer = encodeRecord(record);
  } catch {
    buffer = undefined;
  }
  if (buffer !== undefined && buffer.length <= MAX_OUTPUT_BYTES) return buffer;
  const errors = new Map(record.errors);
  for (const k of record.at ?? record.values.keys()) {
    if (errors.has(k)) continue;
    let size: number;
    try {
      size = serialize(record.values[k]).length;
    } catch (error) {
      errors.set(k, serializeError(outputNotCloneable(label, k, 'remote', (error as Error).message)));
      record.values[k] = undefined;
      continue;
    }
    if (size > MAX_OUTPUT_BYTES) {
      errors.set(k, serializeError(outputTooLarge(label, k, size, MAX_OUTPUT_BYTES)));
      record.values[k] = undefined;
    }
  }
  record.errors = [...errors].sort((a, b) => a[0] - b[0]);
  return encodeRecord(record);
}
