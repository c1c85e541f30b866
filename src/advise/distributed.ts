/**
 * Does `distributed` pay for this task? Measured, not assumed: the sample runs on the `fanout worker`s
 * listening on Redis, twice (one input a job, one job at a time: a job's round trip beyond its task;
 * then as distributed sends them), against the advisor's recommendation's measured rate here.
 */
import { performance } from 'node:perf_hooks';
import type { ExecutorOptions } from '../core/options.js';
import { formatDuration } from '../core/units.js';
import { createExecutor } from '../executor/executor.js';
import type { Advice, Probe } from './types.js';
import { inputCount, model } from './words.js';

/** Inputs timed one job at a time, each alone: enough for a steady mean, few enough to be quick. */
const SERIAL_INPUTS = 20;
/** The most sample inputs run as distributed sends them. */
const BATCHED_INPUTS = 2000;
/** How long the probe waits for a worker to take its jobs before it says nobody does. */
const NO_WORKER_MS = 10_000;

export interface DistributedFigures {
  /** The inputs run as distributed sends them (many to a job). */
  tasks: number;
  /** Their wall time on the workers listening, ms. */
  wallMs: number;
  /** The recommendation's wall time for the same inputs here, from its measured rate, ms. */
  localWallMs: number;
  /** The model it is compared with (`threads at 2`). */
  local: string;
  /** A job's round trip beyond its task (Redis, serialisation, the hop to a worker and back), ms. */
  jobOverheadMs: number;
  /** What distributing cost per input beyond the local model, µs (negative: it saved that much). */
  perInputUs: number;
  /** Distributed was faster than the recommendation on the same inputs. */
  pays: boolean;
  /** The verdict, in one line with its figures. */
  line: string;
}

export interface DistributedProbeOptions {
  task: string | URL;
  export?: string;
  taskOptions?: unknown;
  inputs: readonly unknown[];
  /** The Redis URL the workers listen on. */
  connection: string;
  queue?: string;
  /** The advice for the same task, whose recommendation distributed is measured against. */
  advice: Advice;
}

/** The probe of the recommended model (the sequential one when sequential is recommended). */
function recommended(advice: Advice): Probe {
  const { strategy, concurrency, inFlight } = advice.verdict;
  return (
    advice.probes.find(
      (p) => p.strategy === strategy && p.concurrency === concurrency && p.inFlight === inFlight,
    ) ?? advice.probes[0]!
  );
}

async function timed(options: ExecutorOptions, inputs: readonly unknown[]): Promise<number> {
  const executor = createExecutor(options);
  try {
    await executor.map(inputs.slice(0, 2)); // the workers join the run, the JIT warms up
    const start = performance.now();
    await executor.map(inputs);
    return performance.now() - start;
  } finally {
    await executor.close();
  }
}

/** Measures distributed on the sample; throws the DistributedError when no worker takes the jobs. */
export async function probeDistributed(options: DistributedProbeOptions): Promise<DistributedFigures> {
  const { advice } = options;
  const base: ExecutorOptions = {
    task: options.task,
    strategy: 'distributed',
    connection: options.connection,
    noWorkerTimeout: NO_WORKER_MS,
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    ...(options.export === undefined ? {} : { export: options.export }),
    ...(options.taskOptions === undefined ? {} : { taskOptions: options.taskOptions }),
  };
  const serial = options.inputs.slice(0, SERIAL_INPUTS);
  const serialMs = await timed({ ...base, concurrency: 1, chunkSize: 1 }, serial);
  const taskMs = advice.measurements.sample.wallMs;
  const jobOverheadMs = Math.max(0, serialMs / serial.length - taskMs);
  const batch = options.inputs.slice(0, BATCHED_INPUTS);
  const wallMs = await timed(base, batch);
  const probe = recommended(advice);
  const local = model(probe.strategy, probe.concurrency, probe.inFlight);
  const localWallMs = probe.tasksPerSecond > 0 ? (batch.length / probe.tasksPerSecond) * 1000 : wallMs;
  const perInputUs = ((wallMs - localWallMs) / batch.length) * 1000;
  const pays = wallMs < localWallMs;
  const line =
    `distributed ${pays ? 'pays' : 'does not pay'} here: ${inputCount(batch.length)} took ` +
    `${formatDuration(wallMs)} on the fanout workers listening, against ${formatDuration(localWallMs)} ` +
    `under ${local} (its measured rate), ${pays ? 'saving' : 'costing'} ${Math.abs(perInputUs).toFixed(1)} µs per input; ` +
    `a job's round trip through Redis costs ${formatDuration(jobOverheadMs)} beyond its task ` +
    `(measured: one input a job, one at a time, against ${formatDuration(taskMs)} a task here)`;
  return { tasks: batch.length, wallMs, localWallMs, local, jobOverheadMs, perInputUs, pays, line };
}
