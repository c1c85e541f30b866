/**
 * What the pool does with work that did not go through: the jobs of a worker that died, and the jobs
 * of a message that could not be sent (an input that cannot be cloned). Each function decides which
 * inputs fail and which jobs run again; the pool applies that: it fails inputs through a `FailInput`
 * and puts the jobs returned back at the front of its queue.
 *
 * A worker's death is blamed on one job when that can be known for certain, and on no job otherwise:
 * then every job it held runs again alone, so that a second death names its culprit.
 */
import type { Deque } from '../../core/deque.js';
import { deserializeError, inputNotCloneable } from '../../core/errors.js';
import { cloneProblem } from '../../core/values.js';
import type { TaskRequest } from '../strategy.js';
import { ChunkJob, type Entry, MapRun, type PoolJob, QUEUED, SETTLED } from './jobs.js';
import type { DeathNote } from './protocol.js';
import type { Exit, Runtime } from './transport.js';

/** Fails one input of a job: a task settles with the error, a chunk's item goes to its map. */
export type FailInput = (job: PoolJob, index: number, error: Error) => void;

/** How a worker ended, the words after "worker 3 (thread) died while running input 7 of …: ", and its error. */
export interface ExitDescription {
  how: string;
  cause?: Error;
}

/** Describes a worker's exit; `killReason` is set when the pool killed it, `maxMemoryMb` names the limit. */
export function describeExit(
  exit: Exit,
  killReason: string | undefined,
  maxMemoryMb: number | undefined,
): ExitDescription {
  if (killReason) return { how: `it was stopped: ${killReason}` };
  const error = exit.note?.error ?? exit.error;
  const cause = error ? deserializeError(error) : undefined;
  const limit = maxMemoryMb === undefined ? '' : ` (limit ${maxMemoryMb} MiB)`;
  if (exit.note?.reason) {
    return { how: `it ${exit.note.reason}${cause ? `: ${cause.name}: ${cause.message}` : ''}`, cause };
  }
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') return { how: `it ran out of memory${limit}`, cause };
  if (cause) return { how: `it threw an uncaught exception: ${cause.name}: ${cause.message}`, cause };
  if (exit.signal === 'SIGABRT') {
    return {
      how: `it was killed by SIGABRT, which V8 raises when the heap is full: out of memory${limit}`,
    };
  }
  if (exit.signal) return { how: `it was killed by ${exit.signal}` };
  return { how: `it exited with code ${exit.code}` };
}

/**
 * The tasks a worker was running when it died, as [job seq, item offset]: a chunk's item offset is
 * undefined when unknown. `undefined` as a whole: nobody knows what was running.
 */
export type Culprits = [seq: number, offset: number | undefined][] | undefined;

/**
 * What was running: the job the pool killed it for, else what the worker recorded (every task in
 * flight), else — a process killed outright says nothing — the only job it had; with several, unknown.
 */
export function findCulprits(
  killedFor: PoolJob | null,
  note: DeathNote | null,
  jobs: readonly PoolJob[],
): Culprits {
  if (killedFor) return [[killedFor.seq, undefined]];
  if (note) return note.running;
  return jobs.length === 1 ? [[jobs[0]!.seq, undefined]] : undefined;
}

/**
 * Sorts out the jobs a dead worker held, oldest first: the inputs that were running fail with
 * `died(index)`, the other jobs are returned to run again (alone, when nobody knows what was running),
 * in their order. Jobs already answered or settled, or of a cancelled map, are dropped.
 */
export function salvage(
  jobs: readonly PoolJob[],
  culprits: Culprits,
  died: (index: number) => Error,
  fail: FailInput,
): PoolJob[] {
  const blamed = new Map<number, (number | undefined)[]>();
  for (const [seq, offset] of culprits ?? []) {
    const offsets = blamed.get(seq);
    if (offsets) offsets.push(offset);
    else blamed.set(seq, [offset]);
  }
  const requeue: PoolJob[] = [];
  for (const job of jobs) {
    if (job.returned || job.state === SETTLED || job.owner?.cancelled) continue;
    const offsets = blamed.get(job.seq);
    if (offsets) {
      if (job.owner === null) fail(job, job.index, died(job.index));
      else requeue.push(...splitChunk(job, offsets, died, fail));
    } else if (culprits === undefined) {
      requeue.push(...asSuspects(job));
    } else {
      requeue.push(resetJob(job));
    }
  }
  return requeue;
}

/** A job that may have killed its worker: run again alone, a chunk one input at a time. */
export function asSuspects(job: PoolJob): PoolJob[] {
  if (job.owner === null || job.count === 1) {
    resetJob(job).suspect = true;
    return [job];
  }
  const run = job.owner;
  return job.input.map((input, k) => {
    const piece = new ChunkJob([input], job.index + k, 1, run);
    piece.suspect = true;
    return piece;
  });
}

/** Makes a job that was sent queueable again, as if it never had been. */
export function resetJob(job: PoolJob): PoolJob {
  job.state = QUEUED;
  job.holder = null;
  job.seq = 0;
  job.pinged = false;
  return job;
}

/**
 * The chunk whose items were running when its worker died: those items fail, the others run again.
 * When the worker could not say which item (a process killed outright), the items run again one per
 * job, so a second death names the culprit exactly.
 */
export function splitChunk(
  job: ChunkJob,
  offsets: readonly (number | undefined)[],
  died: (index: number) => Error,
  fail: FailInput,
): PoolJob[] {
  const run = job.owner;
  const inputs = job.input;
  if (offsets.includes(undefined)) {
    if (inputs.length > 1) return asSuspects(job);
    fail(job, job.index, died(job.index));
    return [];
  }
  const failed = [...new Set(offsets as number[])].sort((a, b) => a - b);
  const pieces: ChunkJob[] = [];
  let from = 0;
  for (const offset of failed) {
    fail(job, job.index + offset, died(job.index + offset));
    if (offset > from)
      pieces.push(new ChunkJob(inputs.slice(from, offset), job.index + from, offset - from, run));
    from = offset + 1;
  }
  if (from < inputs.length) {
    pieces.push(new ChunkJob(inputs.slice(from), job.index + from, inputs.length - from, run));
  }
  return pieces;
}

/**
 * A batch of tasks failed to send: fail the inputs that cannot be cloned, put the rest back at the
 * front of `queue`. Each goes back before the next is failed, as failing one may run the caller's code.
 */
export function requeueCloneable(
  jobs: readonly TaskRequest[],
  runtime: Runtime,
  queue: Deque<Entry>,
  fail: FailInput,
): void {
  for (let i = jobs.length - 1; i >= 0; i--) {
    const job = jobs[i]!;
    const problem = cloneProblem(job.input, runtime.assertCloneable);
    if (problem === undefined) queue.unshift(job);
    else fail(job, job.index, inputNotCloneable(job.index, runtime.kind, problem));
  }
}

/** A chunk failed to send: fail its uncloneable items; returns the runs of good ones between them. */
export function splitUncloneable(job: ChunkJob, runtime: Runtime, fail: FailInput): ChunkJob[] {
  const inputs = job.input;
  const pieces: ChunkJob[] = [];
  let from = 0;
  for (let k = 0; k <= inputs.length; k++) {
    const problem = k < inputs.length ? cloneProblem(inputs[k], runtime.assertCloneable) : undefined;
    if (k < inputs.length && problem === undefined) continue;
    if (k > from) pieces.push(new ChunkJob(inputs.slice(from, k), job.index + from, k - from, job.owner));
    if (problem !== undefined)
      fail(job, job.index + k, inputNotCloneable(job.index + k, runtime.kind, problem));
    from = k + 1;
  }
  return pieces;
}

/** Start-up failed: every input of a queued or outstanding entry gets `error`, until its map is cancelled. */
export function failEntry(entry: Entry, error: Error, fail: FailInput): void {
  if (entry instanceof MapRun) {
    for (let i = entry.next; i < entry.inputs.length && !entry.cancelled; i++)
      entry.onItem(i, error, undefined);
    entry.next = entry.inputs.length;
  } else if (entry.owner === null) {
    fail(entry, entry.index, error);
  } else if (!entry.owner.cancelled) {
    for (let k = 0; k < entry.count && !entry.owner.cancelled; k++) fail(entry, entry.index + k, error);
  }
}
