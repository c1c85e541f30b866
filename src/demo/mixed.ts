/**
 * The demo's third job, the one the seed leaves out: each task waits (the I/O job's GET) and then
 * computes (SHA-256 rounds over the body). Here its CPU per task is calibrated, and the hybrid's tasks
 * in flight per worker are chosen from a measured busy share.
 */
import { measureRun } from '../measure/run.js';
import { hashRounds } from '../workloads/fetch-and-hash.js';
import { WORKLOADS } from '../workloads/index.js';

/** The CPU each task of the demo's mixed job spends hashing, about: enough that two cores beat one clearly. */
export const MIXED_CPU_TARGET_MS = 25;
/** Rounds timed to find the cost of one round. */
const CALIBRATION_ROUNDS = 400;
/** Tasks run one after another to measure the busy share of one task in flight. */
export const BUSY_SHARE_TASKS = 4;
/**
 * Tasks in flight per worker = ⌈HEADROOM ÷ busy share⌉: a worker's loop stays busy once busy share ×
 * in flight ≥ 1; twice that absorbs jitter in the waits, and more would only queue on the worker.
 */
export const IN_FLIGHT_HEADROOM = 2;
export const MIN_IN_FLIGHT = 2;
export const MAX_IN_FLIGHT = 64;

const US_PER_MS = 1000;

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / US_PER_MS;
}

/**
 * The rounds that cost about `targetMs` of CPU here. Timed in CPU time, not wall time, so that other
 * programs on a busy machine do not shrink the work.
 */
export function calibrateRounds(
  body: Buffer,
  targetMs = MIXED_CPU_TARGET_MS,
): { rounds: number; roundUs: number } {
  hashRounds(body, CALIBRATION_ROUNDS); // let the JIT see it once
  const start = process.cpuUsage();
  hashRounds(body, CALIBRATION_ROUNDS);
  const roundUs = (cpuMsSince(start) * US_PER_MS) / CALIBRATION_ROUNDS;
  return { rounds: Math.max(1, Math.round((targetMs * US_PER_MS) / Math.max(roundUs, 0.01))), roundUs };
}

/** The tasks in flight per worker that keep a worker's loop busy, with headroom, for a busy share in (0, 1]. */
export function inFlightFor(busyShare: number): number {
  if (!(busyShare > 0)) return MAX_IN_FLIGHT;
  return Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, Math.ceil(IN_FLIGHT_HEADROOM / busyShare)));
}

export interface BusyShare {
  /** CPU time over wall time of one task in flight: the share of its time a task keeps a core busy. */
  share: number;
  cpuMsPerTask: number;
  wallMsPerTask: number;
}

/**
 * Runs a few tasks one after another under `sequential`, after one to warm up (the module, a
 * connection), and measures the share of their wall time spent on the CPU. (The loopback server
 * answering them runs in this process too; its part is a fraction of a millisecond per request.)
 */
export async function measureBusyShare(url: string, rounds: number): Promise<BusyShare> {
  const executor = {
    task: WORKLOADS['fetch-and-hash'],
    strategy: 'sequential',
    taskOptions: { rounds },
  } as const;
  await measureRun({ executor, inputs: [url], run: 1, warmup: true });
  const inputs = Array.from({ length: BUSY_SHARE_TASKS }, () => url);
  const { measurement, outcomes } = await measureRun({ executor, inputs, run: 1, warmup: false });
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed) throw failed.reason;
  const wallMsPerTask = measurement.wallMs / BUSY_SHARE_TASKS;
  const cpuMsPerTask = measurement.cpuMs / BUSY_SHARE_TASKS;
  return { share: Math.min(1, cpuMsPerTask / Math.max(wallMsPerTask, 1e-9)), cpuMsPerTask, wallMsPerTask };
}
