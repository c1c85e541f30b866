/**
 * The worker's side of `distributed` (what `fanout worker` runs). It listens on its base queue's
 * control channel and runs set for runs (protocol.ts): for each live run it opens a BullMQ Worker on
 * that run's own queue, whose processor hands each job's inputs to this machine's own executor and
 * pushes the outcomes onto the run's results list before it completes the job. Pushing first is what
 * makes the result safe: a worker that dies after the push leaves a job that runs again, and its
 * second result is dropped by the producer; one that dies before leaves a job that runs again, and
 * nothing was said. When a run ends (its producer says so, or its heartbeat stops), the worker stops
 * its tasks, lets go of its queue and removes what is left of the run's keys.
 *
 * The executor comes from the caller (`runLocal`), so this layer never imports the executor's.
 */
import { hostname } from 'node:os';
import { serialize } from 'node:v8';
import type { Job, Worker } from 'bullmq';
import {
  outputNotCloneable,
  outputTooLarge,
  type SerializedError,
  serializeError,
} from '../../core/errors.js';
import type { Settled } from '../../core/types.js';
import { taskLabel } from '../../task/label.js';
import { moduleIdentity } from './identity.js';
import {
  BEAT_MS,
  beatKey,
  controlChannel,
  decodeControl,
  decodeInputs,
  decodeOptions,
  encodeRecord,
  indicesOf,
  type JobData,
  MAX_OUTPUT_BYTES,
  RESULTS_TTL_MS,
  type ResultRecord,
  RUN_TTL_MS,
  resultsKey,
  runQueue,
  runsKey,
} from './protocol.js';
import { JOBS_PER_WORKER, LOCK_MS, MAX_STALLS, STALL_CHECK_MS } from './timings.js';
import { within } from './within.js';

/** How long a worker whose Redis is gone waits for BullMQ to let go at close. */
const FORCED_CLOSE_MS = 2000;
/** How long removing an ended run's keys may take before the worker goes on without it. */
const CLEANUP_MS = 2000;

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
  onJob?(report: JobReport): void;
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
  /** The controllers of the jobs running now, by job id (one per input). */
  readonly running: Map<string, AbortController[]>;
  /** Cancellations that arrived before their job started here: job id → positions (null: all). */
  readonly early: Map<string, number[] | null>;
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
  // runs set; one for the control channel (a subscribed connection can do nothing else).
  const client = connect(options.connection);
  const subscriber = connect(options.connection);
  const joined = new Map<string, Joined>();
  /** When each run's heartbeat was first seen missing. */
  const missing = new Map<string, number>();
  let closing = false;

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
        const controllers = inputs.map(() => new AbortController());
        const here = joined.get(run);
        here?.running.set(job.id!, controllers);
        const early = here?.early.get(job.id!);
        if (early !== undefined) {
          here!.early.delete(job.id!);
          abortAt(controllers, early, 'cancelled by the producer before it started');
        }
        const began = performance.now();
        try {
          const settled = await options.runLocal(
            inputs,
            data.export,
            decodeOptions(data.options),
            data.options ?? '',
            {
              indices: indicesOf(data.index, data.count),
              signals: controllers.map((controller) => controller.signal),
              timeout: data.timeout,
            },
          );
          record = toRecord(job.id!, name, performance.now() - began, start, settled);
        } finally {
          here?.running.delete(job.id!);
        }
      }
      const buffer = encodeSafely(record, label);
      const key = resultsKey(base, data.run);
      await client.multi().rpush(key, buffer).pexpire(key, RESULTS_TTL_MS).exec();
      options.onJob?.({
        inputs: data.count,
        failed: record.refused ? data.count : record.errors.length,
        refused: record.refused !== undefined,
        ms: Date.now() - start,
      });
      return data.count;
    };

  const join = (run: string): void => {
    if (closing || joined.has(run)) return;
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
    joined.set(run, { worker, running: new Map(), early: new Map() });
  };

  /** Removes what is left of an ended run: its queue's keys, its results list, its heartbeat. */
  const removeRun = async (run: string): Promise<void> => {
    if (client.status !== 'ready') return;
    const queue = new Queue(runQueue(base, run), { connection: client });
    queue.on('error', () => {});
    await within(
      Promise.allSettled([
        queue.obliterate({ force: true }),
        client.del(resultsKey(base, run), beatKey(base, run)),
        client.srem(runsKey(base), run),
      ]),
      CLEANUP_MS,
    );
    await within(queue.close(), CLEANUP_MS);
  };

  /**
   * Lets go of a run: `ended` (the run is over) stops its tasks first and removes its keys after;
   * otherwise (this worker drains) the jobs held finish and report.
   */
  const leave = (run: string, ended: boolean): Promise<void> => {
    const here = joined.get(run);
    if (!here) return ended ? removeRun(run) : Promise.resolve();
    here.leaving ??= (async () => {
      if (ended) {
        for (const controllers of here.running.values()) abortAt(controllers, null, 'its run ended');
      }
      if (client.status === 'ready') await here.worker.close();
      else await within(here.worker.close(true), FORCED_CLOSE_MS);
      joined.delete(run);
      if (ended) await removeRun(run);
    })();
    return here.leaving;
  };

  /** Joins the live runs of the base queue, and leaves (and clears) those whose heartbeat stopped. */
  const sweep = async (): Promise<void> => {
    const listed = await client.smembers(runsKey(base));
    const runs = [...new Set([...listed, ...joined.keys()])];
    if (runs.length === 0) return;
    const alive = await Promise.all(runs.map((run) => client.exists(beatKey(base, run))));
    const now = Date.now();
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i]!;
      if (alive[i]) {
        missing.delete(run);
        join(run);
        continue;
      }
      const since = missing.get(run) ?? now;
      missing.set(run, since);
      // Gone for a whole heartbeat's life again: its producer is gone (or Redis lost it and it did not come back).
      if (now - since >= RUN_TTL_MS) {
        missing.delete(run);
        void leave(run, true);
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
      void leave(message.run, true);
    } else {
      const here = joined.get(message.run);
      if (!here) return;
      const controllers = here.running.get(message.job);
      if (controllers) abortAt(controllers, message.at ?? null, message.why);
      else here.early.set(message.job, message.at ?? null);
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
      await Promise.all([...joined.keys()].map((run) => leave(run, false)));
      if (client.status === 'ready')
        await within(Promise.allSettled([client.quit(), subscriber.quit()]), FORCED_CLOSE_MS);
      client.disconnect();
      subscriber.disconnect();
    },
  };
}

/** Aborts the signals at `positions` (every one when null), with an AbortError saying why. */
function abortAt(controllers: AbortController[], positions: number[] | null, why: string): void {
  const reason = new DOMException(`This operation was aborted: ${why}`, 'AbortError');
  if (positions === null) for (const controller of controllers) controller.abort(reason);
  else for (const k of positions) controllers[k]?.abort(reason);
}

function definedOnly(options: Partial<WorkerSettings>): Partial<WorkerSettings> {
  const out: Partial<WorkerSettings> = {};
  for (const key of ['lockMs', 'stallCheckMs', 'maxStalls', 'jobs'] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}

function toRecord(
  job: string,
  worker: string,
  busyMs: number,
  start: number,
  settled: Settled<unknown>[],
): ResultRecord {
  const values = new Array<unknown>(settled.length);
  const errors: [number, SerializedError][] = [];
  for (let k = 0; k < settled.length; k++) {
    const outcome = settled[k]!;
    if (outcome.status === 'fulfilled') values[k] = outcome.value;
    else errors.push([k, serializeError(outcome.reason)]);
  }
  return { job, worker, busyMs, start, end: Date.now(), values, errors };
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
  for (let k = 0; k < record.values.length; k++) {
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
