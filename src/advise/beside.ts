/**
 * Under `auto`, the worker threads a computing job will likely run on, started beside the sequential
 * sample rather than after it: their start-up (loading the module, `setup`) overlaps the sample on the
 * other cores instead of following it. They are opened with the job's own options and held in the
 * bank, where the start-up timing (startup.ts) runs on them and the job adopts them if they are what
 * it chooses; any other choice closes them.
 */
import type { OpenConfig } from '../executor/executor.js';
import type { SampleBank } from './bank.js';
import { CPU_BUSY_SHARE_MIN, WORKER_START_FLOOR_MS } from './thresholds.js';

/** What the sample has measured so far, at one of its marks. */
export interface SoFar {
  /** Inputs of the job run so far (the sample's fresh ones). */
  ran: number;
  /** The mean task time so far, past the first task, in ms. */
  meanWallMs: number;
  /** The event loop's busy share since the first task. */
  busyShare: number;
}

/**
 * Whether workers are worth starting now: the task computes (its loop as busy as a CPU-bound task's,
 * so the job will run on workers, one task each) and what is left of the job, shared among `workers`,
 * would save more than one worker costs to start at the least (an unknown size: a stream, long enough to sample). Otherwise starting them could only cost
 * the job: a task that waits runs under async, a job this small sequentially.
 */
export function worthStartingBeside(soFar: SoFar, workers: number, total: number | null): boolean {
  if (workers < 2 || soFar.busyShare < CPU_BUSY_SHARE_MIN) return false;
  if (total === null) return true;
  const left = Math.max(0, total - soFar.ran);
  return left * soFar.meanWallMs * (1 - 1 / workers) > WORKER_START_FLOOR_MS;
}

export class Beside {
  readonly #bank: SampleBank;
  readonly #config: Required<Omit<OpenConfig, 'timeline'>>;
  readonly #total: number | null;
  #started = false;

  /**
   * `workers`: as many as the job would run on threads (the cores, within the user's limit and the
   * job's size); `total`: the job's size, or null when unknown.
   */
  constructor(bank: SampleBank, workers: number, total: number | null) {
    this.#bank = bank;
    this.#total = total;
    this.#config = { strategy: 'threads', concurrency: workers, inFlight: 1 };
  }

  /** Whether the workers were started: the sample then yields between tasks, so their messages are handled. */
  get started(): boolean {
    return this.#started;
  }

  /** Starts the workers, once, if the sample so far says they are worth it (see `worthStartingBeside`). */
  consider(soFar: SoFar): void {
    if (this.#started || !worthStartingBeside(soFar, this.#config.concurrency, this.#total)) return;
    const executor = this.#bank.open(this.#config);
    if (executor === undefined) return;
    this.#started = true;
    // Held before any worker starts, so that the bank closes them whatever happens next (a start that
    // throws included). Nothing was held before the sample: holding closes nothing, and returns at once.
    void this.#bank.hold(executor, this.#config);
    executor.prestart();
  }
}
