/**
 * What the pool queues and dispatches. A `run` call is its own job (the TaskRequest); a map over an
 * array waits in the queue as a MapRun, which the pool cuts into ChunkJobs as workers have room.
 * Each job's state, seq and holder live on the job itself (Dispatch): one object per job in flight.
 */
import { Dispatch, type ItemCallback, type TaskRequest } from '../strategy.js';

// A job's `state`: waiting in the queue, at a worker, or answered (result, error, time-out, abort).
export const QUEUED = 0;
export const SENT = 1;
export const SETTLED = 2;

/** A map over an array: the pool cuts it into chunk jobs as workers have room. */
export class MapRun {
  next = 0;
  cancelled = false;
  /**
   * Until its first chunk comes back, a map does not trust what earlier work said about task time (a
   * warm-up, another task's inputs): it sends one input to each worker, one at a time, and measures.
   */
  probing = true;
  /** With a time-out, a map's inputs go as single tasks (each with its own timer) instead of chunks. */
  singles: TaskRequest[] | null = null;
  constructor(
    readonly inputs: readonly unknown[],
    readonly onItem: ItemCallback,
  ) {}
}

/** A piece of a map: one message, several inputs. */
export class ChunkJob extends Dispatch {
  readonly timeout = undefined;
  constructor(
    readonly input: unknown[],
    readonly index: number,
    readonly count: number,
    readonly owner: MapRun,
  ) {
    super();
  }
}

/** A map nobody waits for: what a job taken back from a worker leaves behind points to it. */
const DETACHED = new MapRun([], () => {});
DETACHED.cancelled = true;

/**
 * What stays in a worker's `outstanding` in place of a job taken back from it (work stealing): already
 * answered, so a late result for it (a process may still run it) is read and dropped.
 */
export function takenBack(seq: number, count: number): ChunkJob {
  const placeholder = new ChunkJob([], 0, count, DETACHED);
  placeholder.seq = seq;
  placeholder.returned = true;
  placeholder.state = SETTLED;
  return placeholder;
}

/** One unit of dispatch: a single task (the request itself) or a chunk of a map. */
export type PoolJob = TaskRequest | ChunkJob;

/** What the queue holds: jobs, and maps not yet cut into chunks. */
export type Entry = PoolJob | MapRun;

/**
 * A task with a time-out goes to a worker alone, so its clock starts when it starts; a suspect goes
 * alone so that, if it kills its worker again, there is no doubt which input did it.
 */
export function mustRunAlone(job: PoolJob): boolean {
  return job.suspect || job.timeout !== undefined;
}
