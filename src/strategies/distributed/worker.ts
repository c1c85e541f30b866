/**
 * The worker's side of `distributed` (what `fanout worker` runs): a BullMQ Worker whose processor
 * hands each job's inputs to this machine's own executor and pushes the outcomes onto the run's
 * results list before it completes the job. Pushing first is what makes the result safe: a worker
 * that dies after the push leaves a job that runs again, and its second result is dropped by the
 * producer; one that dies before leaves a job that runs again, and nothing was said.
 *
 * The executor comes from the caller (`runLocal`), so this layer never imports the executor's.
 */
import { hostname } from 'node:os';
import { serialize } from 'node:v8';
import type { Job } from 'bullmq';
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
  decodeInputs,
  decodeOptions,
  encodeRecord,
  type JobData,
  MAX_OUTPUT_BYTES,
  RESULTS_TTL_MS,
  type ResultRecord,
  resultsKey,
} from './protocol.js';
import { JOBS_PER_WORKER, LOCK_MS, MAX_STALLS, STALL_CHECK_MS } from './timings.js';
import { within } from './within.js';

/** How long a worker whose Redis is gone waits for BullMQ to let go at close. */
const FORCED_CLOSE_MS = 2000;

export interface WorkerSettings {
  /** How long a job's lock lasts, in ms (renewed at half that while it runs). */
  lockMs: number;
  /** How often this worker looks for jobs whose worker is gone, in ms. */
  stallCheckMs: number;
  /** How many times a job may lose its worker and run again. */
  maxStalls: number;
  /** Jobs this worker runs at once. */
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

export interface QueueWorkerOptions extends Partial<WorkerSettings> {
  /** The Redis URL. */
  connection: string;
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
  ): Promise<Settled<unknown>[]>;
  onJob?(report: JobReport): void;
  /** A Redis or BullMQ error (they are retried: this is for telling, not for stopping). */
  onError?(error: Error): void;
}

export interface QueueWorker {
  /** `host:pid`: how results and errors name this worker. */
  readonly name: string;
  /** Takes nothing new, lets the jobs it holds finish and push their results, then disconnects. */
  close(): Promise<void>;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const settings = { ...DEFAULT_WORKER_SETTINGS, ...definedOnly(options) };
  // Loaded here, not at the top: BullMQ and ioredis take most of a second to load.
  const [{ Worker }, { connect }] = await Promise.all([import('bullmq'), import('./connection.js')]);
  const name = `${hostname()}:${process.pid}`;
  const identity = moduleIdentity(options.taskUrl);
  const label = taskLabel(options.taskUrl);
  const pusher = connect(options.connection);
  const connection = connect(options.connection);
  const processor = async (job: Job): Promise<number> => {
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
      const began = performance.now();
      const settled = await options.runLocal(
        inputs,
        data.export,
        decodeOptions(data.options),
        data.options ?? '',
      );
      const busyMs = performance.now() - began;
      record = toRecord(job.id!, name, busyMs, start, settled);
    }
    const buffer = encodeSafely(record, label);
    const key = resultsKey(options.queue, data.run);
    await pusher.multi().rpush(key, buffer).pexpire(key, RESULTS_TTL_MS).exec();
    options.onJob?.({
      inputs: data.count,
      failed: record.refused ? data.count : record.errors.length,
      refused: record.refused !== undefined,
      ms: Date.now() - start,
    });
    return data.count;
  };
  const worker = new Worker(options.queue, processor, {
    connection,
    concurrency: settings.jobs,
    lockDuration: settings.lockMs,
    stalledInterval: settings.stallCheckMs,
    maxStalledCount: settings.maxStalls,
    // How long an idle worker's blocking wait for a job lasts (s): short, so a drain ends soon.
    drainDelay: 1,
    name,
  });
  worker.on('error', (error) => options.onError?.(error));
  await worker.waitUntilReady();
  return {
    name,
    close: async () => {
      // Draining needs Redis (each job held reports its results there): without it, stop now;
      // the jobs held go back to other workers once their locks expire.
      if (connection.status === 'ready') await worker.close();
      else await within(worker.close(true), FORCED_CLOSE_MS);
      if (connection.status === 'ready')
        await within(Promise.allSettled([pusher.quit(), connection.quit()]), FORCED_CLOSE_MS);
      pusher.disconnect();
      connection.disconnect();
    },
  };
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
