/**
 * The pool behind `threads` and `processes`: one engine, two runtimes.
 *
 * Speed comes from batching. Tasks submitted in one tick are coalesced into one message per worker,
 * and the batch size follows the measured task time: a few ms of work per message, so the cost of a
 * message vanishes against tiny tasks, while long tasks go to a worker one at a time for balance.
 * `mapArray` cuts an array into chunks the same way (Python's `Pool.map` chunksize, but adaptive).
 */

import { Deque } from '../../core/deque.js';
import {
  type AbortError,
  ClosedError,
  deserializeError,
  inputNotCloneable,
  outputNotCloneable,
  type SerializedError,
  setupFailed,
  TaskLoadError,
  taskAborted,
  taskFailed,
  taskTimedOut,
  teardownWarning,
  type WorkerDiedError,
  workerDied,
  workerDiedLoading,
} from '../../core/errors.js';
import type { ResolvedOptions } from '../../core/options.js';
import { packNumbers } from '../../core/pack.js';
import type { TimelineEntry, WorkerUsage } from '../../core/types.js';
import { cloneProblem } from '../../core/values.js';
import { taskLabel } from '../../task/label.js';
import { type ItemCallback, type MapHandle, type Strategy, TaskRequest } from '../strategy.js';
import { batchSize, capacityHint, chunkSize, hasRoom, nextItemMs } from './batching.js';
import { ChunkJob, type Entry, type Job, MapRun, mustRunAlone, QUEUED, SENT, SETTLED } from './jobs.js';
import { PoolWorker } from './pool-worker.js';
import {
  ABORT,
  CHUNK,
  CLOSED,
  ERR,
  INIT_ERROR,
  OK,
  OUTPUT_CLONE_CODE,
  READY,
  RESULTS,
  RUN,
  SHARED_SLOTS,
  SKIPPED,
  STATS,
  TAG,
  type WorkerMessage,
  type WorkerStats,
} from './protocol.js';
import type { Exit, Runtime } from './transport.js';

/** How long a timed-out or aborted task has to stop before its worker is replaced. */
export const ABORT_GRACE_MS = 1000;
export class Pool implements Strategy {
  readonly name: 'threads' | 'processes';
  readonly concurrency: number;
  readonly #runtime: Runtime;
  readonly #options: ResolvedOptions;
  readonly #label: string;
  readonly #queue = new Deque<Entry>();
  readonly #workers: PoolWorker[] = [];
  readonly #timeline: TimelineEntry[] | null;
  readonly #idleWaiters: (() => void)[] = [];
  readonly #deadStats: WorkerStats[] = [];
  #nextWorkerId = 1;
  #itemMs: number | undefined;
  #pumpScheduled = false;
  #broken: Error | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  #started = 0;

  constructor(runtime: Runtime, options: ResolvedOptions) {
    this.#runtime = runtime;
    this.#options = options;
    this.name = runtime.kind === 'thread' ? 'threads' : 'processes';
    this.concurrency = options.concurrency;
    this.#label = taskLabel(options.taskUrl);
    this.#timeline = options.timeline ? [] : null;
  }

  submit(request: TaskRequest): void {
    const problem = this.#refusal();
    if (problem) {
      request.done(request, problem, undefined);
      return;
    }
    const { signal } = request;
    if (signal?.aborted) {
      request.done(request, this.#abortError(request.index, signal.reason), undefined);
      return;
    }
    if (signal) {
      request.onAbort = () => this.#abandon(request, 'abort');
      signal.addEventListener('abort', request.onAbort, { once: true });
    }
    this.#queue.push(request);
    this.#schedulePump();
  }

  mapArray(inputs: readonly unknown[], onItem: ItemCallback): MapHandle {
    const run = new MapRun(inputs, onItem);
    const problem = this.#refusal();
    const { timeout } = this.#options;
    if (problem) {
      for (let i = 0; i < inputs.length; i++) onItem(i, problem, undefined);
    } else if (timeout !== undefined) {
      // A time-out is per task: each input travels alone, with its own timer.
      const done = (request: TaskRequest, error: Error | undefined, value: unknown): void => {
        if (!run.cancelled) onItem(request.index, error, value);
      };
      run.singles = inputs.map((input, index) => new TaskRequest(input, index, undefined, timeout, done));
      for (const request of run.singles) this.#queue.push(request);
      this.#schedulePump();
    } else if (inputs.length > 0) {
      this.#queue.push(run);
      this.#schedulePump();
    }
    return { cancel: () => this.#cancelMap(run) };
  }

  /** A map that failed fast: hand out nothing more of it, and abort what is running. */
  #cancelMap(run: MapRun): void {
    if (run.cancelled) return;
    run.cancelled = true;
    if (run.singles) {
      for (const request of run.singles) this.#abandon(request, 'abort');
      return;
    }
    for (const worker of this.#workers) {
      for (const job of worker.outstanding) {
        if (job.owner === run) worker.transport.send([TAG, ABORT, job.seq, 'abort']);
      }
    }
  }

  capacityHint(): number {
    return capacityHint(this.#itemMs, this.concurrency);
  }

  timeline(): TimelineEntry[] {
    return this.#timeline ?? [];
  }

  async usage(): Promise<WorkerUsage> {
    const usage: WorkerUsage = {
      childCpuUser: 0,
      childCpuSystem: 0,
      childRss: 0,
      workersStarted: this.#started,
    };
    if (this.#runtime.kind !== 'process') return usage;
    const live = await Promise.all(this.#workers.map((worker) => worker.requestStats()));
    for (const stats of [...this.#deadStats, ...live]) {
      if (!stats) continue;
      usage.childCpuUser += stats.cpuUser;
      usage.childCpuSystem += stats.cpuSystem;
    }
    for (const stats of live) usage.childRss += stats?.rss ?? 0;
    return usage;
  }

  close(): Promise<void> {
    this.#closing = true;
    this.#closed ??= (async () => {
      await new Promise<void>((resolve) => {
        this.#idleWaiters.push(resolve);
        this.#checkIdle();
      });
      await Promise.all(this.#workers.map((worker) => worker.close()));
    })();
    return this.#closed;
  }

  // ── dispatch ────────────────────────────────────────────────────────────────────────────────

  #refusal(): Error | undefined {
    if (this.#broken) return this.#broken;
    if (this.#closing) return new ClosedError();
    return undefined;
  }

  /**
   * Dispatch once the current turn of the event loop is done, so that every task submitted in it —
   * a loop of run() calls, or the inputs an async iterable yields one microtask after another — goes
   * out in one message per worker.
   */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => this.#pump());
  }

  #pump(): void {
    this.#pumpScheduled = false;
    if (this.#broken) return;
    this.#dropSettledHead();
    if (this.#queue.length === 0) return;
    while (this.#workers.length < this.concurrency) this.#spawn();
    // Round-robin, one batch per worker per round, so a short queue spreads across the workers.
    let progress = true;
    while (progress && this.#queue.length > 0) {
      progress = false;
      for (const worker of this.#workers) {
        if (worker.ready && !worker.closing && this.#hasRoom(worker) && this.#sendBatch(worker))
          progress = true;
        if (this.#queue.length === 0) break;
      }
    }
  }

  /** A worker holding a job that must run alone takes nothing more; else the batching policy says. */
  #hasRoom(worker: PoolWorker): boolean {
    return !worker.alone && hasRoom(this.#itemMs, worker.items);
  }

  /** Drops queue entries nobody waits for any more: settled tasks, finished or cancelled maps. */
  #dropSettledHead(): void {
    for (let head = this.#queue.peek(); head !== undefined; head = this.#queue.peek()) {
      const gone =
        head instanceof MapRun
          ? head.cancelled || head.next >= head.inputs.length
          : head.state === SETTLED || (head.owner?.cancelled ?? false);
      if (!gone) return;
      this.#queue.shift();
    }
  }

  /** Sends one message's worth of work to the worker; false when there was nothing to send. */
  #sendBatch(worker: PoolWorker): boolean {
    this.#dropSettledHead();
    const head = this.#queue.peek();
    if (head === undefined) return false;
    if (!(head instanceof MapRun) && mustRunAlone(head)) {
      if (worker.items > 0) return false;
      this.#queue.shift();
      worker.alone = true;
      if (head.owner === null) this.#sendSingles(worker, [head]);
      else this.#sendChunk(worker, head);
      return true;
    }
    if (head instanceof MapRun) {
      if (head.probing && worker.items > 0) return false;
      const size = head.probing
        ? 1
        : chunkSize(this.#itemMs, head.inputs.length - head.next, this.concurrency, this.#options.chunkSize);
      const start = head.next;
      head.next += size;
      this.#sendChunk(worker, new ChunkJob(head.inputs.slice(start, start + size), start, size, head));
      return true;
    }
    if (head.owner !== null) {
      this.#sendChunk(worker, this.#queue.shift() as ChunkJob);
      return true;
    }
    // A short queue is spread over the workers rather than sent whole to the first.
    const max = Math.min(batchSize(this.#itemMs), Math.ceil(this.#queue.length / this.#workers.length));
    const jobs: TaskRequest[] = [];
    for (let next = this.#queue.peek(); jobs.length < max && next instanceof TaskRequest; ) {
      if (next.state !== SETTLED && mustRunAlone(next)) break;
      this.#queue.shift();
      if (next.state !== SETTLED) jobs.push(next);
      next = this.#queue.peek();
    }
    if (jobs.length > 0) this.#sendSingles(worker, jobs);
    return true;
  }

  #sendSingles(worker: PoolWorker, jobs: TaskRequest[]): void {
    const first = worker.nextSeq;
    const inputs = new Array<unknown>(jobs.length);
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      this.#dispatch(worker, job);
      inputs[i] = job.input;
    }
    try {
      worker.transport.send([TAG, RUN, first, inputs]);
    } catch {
      this.#undispatch(worker, jobs);
      this.#requeueCloneable(jobs);
    }
  }

  #sendChunk(worker: PoolWorker, job: ChunkJob): void {
    this.#dispatch(worker, job);
    try {
      const packed = packNumbers(job.input);
      if (packed) worker.transport.send([TAG, CHUNK, job.seq, packed], [packed.buffer as ArrayBuffer]);
      else worker.transport.send([TAG, CHUNK, job.seq, job.input]);
    } catch {
      this.#undispatch(worker, [job]);
      this.#splitUncloneable(job);
    }
  }

  #dispatch(worker: PoolWorker, job: Job): void {
    job.seq = worker.nextSeq++;
    job.holder = worker;
    job.state = SENT;
    if (worker.outstanding.length === 0) worker.transport.ref();
    worker.outstanding.push(job);
    worker.items += job.count;
    if (job instanceof TaskRequest && job.timeout !== undefined) {
      job.timer = setTimeout(() => this.#abandon(job, 'timeout'), job.timeout);
    }
  }

  /** Takes back jobs whose message could not be sent (the last ones dispatched to the worker). */
  #undispatch(worker: PoolWorker, jobs: Job[]): void {
    for (let i = jobs.length - 1; i >= 0; i--) {
      const job = jobs[i]!;
      worker.outstanding.pop();
      worker.items -= job.count;
      worker.nextSeq--;
      clearTimeout(job.timer);
      job.state = QUEUED;
      job.holder = null;
    }
    if (worker.outstanding.length === 0) worker.release();
  }

  /** A batch failed to send: fail the inputs that cannot be cloned, put the rest back in front. */
  #requeueCloneable(jobs: TaskRequest[]): void {
    for (let i = jobs.length - 1; i >= 0; i--) {
      const job = jobs[i]!;
      const problem = cloneProblem(job.input, this.#runtime.assertCloneable);
      if (problem === undefined) this.#queue.unshift(job);
      else this.#settle(job, inputNotCloneable(job.index, this.#runtime.kind, problem), undefined);
    }
  }

  /** A chunk failed to send: fail its uncloneable items, requeue the runs of good ones between them. */
  #splitUncloneable(job: ChunkJob): void {
    const run = job.owner;
    const inputs = job.input;
    const pieces: ChunkJob[] = [];
    let from = 0;
    for (let k = 0; k <= inputs.length; k++) {
      const problem = k < inputs.length ? cloneProblem(inputs[k], this.#runtime.assertCloneable) : undefined;
      if (k < inputs.length && problem === undefined) continue;
      if (k > from) pieces.push(new ChunkJob(inputs.slice(from, k), job.index + from, k - from, run));
      if (problem !== undefined)
        run.onItem(job.index + k, inputNotCloneable(job.index + k, this.#runtime.kind, problem), undefined);
      from = k + 1;
    }
    for (let i = pieces.length - 1; i >= 0; i--) this.#queue.unshift(pieces[i]!);
  }

  // ── results ─────────────────────────────────────────────────────────────────────────────────

  #onMessage(worker: PoolWorker, message: WorkerMessage): void {
    switch (message[1]) {
      case RESULTS:
        this.#onResults(worker, message[2], message[3], message[4], message[5]);
        return;
      case READY:
        worker.markReady();
        if (this.#queue.length === 0) worker.transport.unref();
        this.#pump();
        return;
      case INIT_ERROR: {
        const cause = deserializeError(message[3]);
        this.#break(
          message[2] === 'load'
            ? new TaskLoadError(cause.message, cause.cause)
            : setupFailed(this.#label, cause),
        );
        return;
      }
      case STATS:
        worker.receiveStats(message[2]);
        return;
      case CLOSED:
        worker.stats = message[2];
        worker.closed = true;
        if (message[3]) {
          const cause = deserializeError(message[3]);
          process.emitWarning(teardownWarning(this.#label, cause, worker.id));
        }
        worker.transport.end();
        return;
    }
  }

  #onResults(
    worker: PoolWorker,
    busy: number,
    items: number,
    flat: unknown[],
    timeline: number[] | null,
  ): void {
    if (items > 0) this.#itemMs = nextItemMs(this.#itemMs, busy, items);
    let t = 0;
    for (let r = 0; r < flat.length; r += 3) {
      const job = worker.outstanding.shift()!;
      const status = flat[r + 1];
      const payload = flat[r + 2];
      worker.items -= job.count;
      job.returned = true;
      if (timeline && status !== SKIPPED) {
        for (let k = 0; k < job.count; k++) {
          this.#timeline!.push({
            workerId: worker.id,
            index: job.index + k,
            start: timeline[t]!,
            end: timeline[t + 1]!,
          });
          t += 2;
        }
      }
      if (job.owner === null) {
        if (status === OK) this.#settle(job, undefined, payload);
        else if (status === ERR)
          this.#settle(job, this.#taskError(job.index, payload as SerializedError), undefined);
        continue;
      }
      job.state = SETTLED;
      job.owner.probing = false;
      if (job.owner.cancelled) continue;
      const [values, errors] = payload as [ArrayLike<unknown>, [number, SerializedError][] | null];
      const { onItem } = job.owner;
      let e = 0;
      for (let k = 0; k < job.count; k++) {
        const failure = errors?.[e];
        if (failure !== undefined && failure[0] === k) {
          e++;
          onItem(job.index + k, this.#taskError(job.index + k, failure[1]), undefined);
        } else {
          onItem(job.index + k, undefined, values[k]);
        }
        if (job.owner.cancelled) break;
      }
    }
    if (worker.outstanding.length === 0) worker.release();
    this.#pump();
    this.#checkIdle();
  }

  #settle(request: TaskRequest, error: Error | undefined, value: unknown): void {
    if (request.state === SETTLED) return;
    request.state = SETTLED;
    if (request.timer !== undefined) clearTimeout(request.timer);
    if (request.onAbort) request.signal!.removeEventListener('abort', request.onAbort);
    request.done(request, error, value);
  }

  #taskError(index: number, data: SerializedError): Error {
    if (data.code === OUTPUT_CLONE_CODE) {
      return outputNotCloneable(this.#label, index, this.#runtime.kind, data.message);
    }
    return taskFailed(this.#label, index, deserializeError(data));
  }

  #abortError(index: number, reason: unknown): AbortError {
    return taskAborted(this.#label, index, reason);
  }

  /** A task timed out or was aborted: settle it now, tell its worker, and replace the worker if it won't stop. */
  #abandon(job: TaskRequest, why: 'timeout' | 'abort'): void {
    if (job.state === SETTLED) return;
    const error =
      why === 'timeout'
        ? taskTimedOut(this.#label, job.index, job.timeout)
        : this.#abortError(job.index, job.signal?.reason);
    const worker = job.holder as PoolWorker | null;
    const wasSent = job.state === SENT;
    this.#settle(job, error, undefined);
    if (!wasSent || !worker || worker.dead) return;
    worker.transport.send([TAG, ABORT, job.seq, why]);
    const grace = setTimeout(() => {
      if (!job.returned && !worker.dead) {
        worker.kill(job, `input ${job.index} did not stop within ${ABORT_GRACE_MS} ms of its ${why}`);
      }
    }, ABORT_GRACE_MS);
    grace.unref();
  }

  // ── workers ─────────────────────────────────────────────────────────────────────────────────

  #spawn(): PoolWorker {
    const worker = new PoolWorker(this.#nextWorkerId++);
    const shared = this.#runtime.sharesMemory ? new SharedArrayBuffer(SHARED_SLOTS * 4) : null;
    this.#workers.push(worker);
    this.#started++;
    worker.transport = this.#runtime.start(
      {
        init: {
          taskUrl: this.#options.taskUrl,
          exportName: this.#options.exportName,
          workerId: worker.id,
          timeline: this.#options.timeline,
          taskOptions: this.#options.taskOptions,
          shared,
        },
        maxMemoryMb: this.#options.maxMemoryMb,
      },
      { message: (message) => this.#onMessage(worker, message), exit: (exit) => this.#onExit(worker, exit) },
    );
    return worker;
  }

  #describeExit(worker: PoolWorker, exit: Exit): { how: string; cause?: Error } {
    if (worker.killReason) return { how: `it was stopped: ${worker.killReason}` };
    const error = exit.note?.error ?? exit.error;
    const cause = error ? deserializeError(error) : undefined;
    const limit = this.#options.maxMemoryMb === undefined ? '' : ` (limit ${this.#options.maxMemoryMb} MB)`;
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

  #onExit(worker: PoolWorker, exit: Exit): void {
    worker.markDead();
    this.#workers.splice(this.#workers.indexOf(worker), 1);
    if (worker.stats) this.#deadStats.push(worker.stats);
    if (worker.closing || this.#broken) {
      this.#checkIdle();
      return;
    }
    const { how, cause } = this.#describeExit(worker, exit);
    const kind = this.#runtime.kind;
    if (!worker.ready) {
      this.#break(workerDiedLoading(worker.id, kind, this.#label, how, cause));
      return;
    }
    const jobs = worker.outstanding.drain();
    worker.items = 0;
    // Which job was running: the one we killed it for, else what the worker recorded, else — a process
    // killed outright says nothing — the only job it had; with several, none is blamed: they all run
    // again, each alone, so that a second death names its culprit for certain.
    let culprit: number | undefined;
    let offset: number | undefined;
    if (worker.killedFor) culprit = worker.killedFor.seq;
    else if (exit.note) [culprit, offset] = [exit.note.seq, exit.note.offset];
    else if (jobs.length === 1) culprit = jobs[0]!.seq;
    const fail = (index: number): WorkerDiedError =>
      workerDied(worker.id, kind, this.#label, index, how, cause);
    const requeue: Job[] = [];
    for (const job of jobs) {
      clearTimeout(job.timer);
      if (job.state === SETTLED || job.owner?.cancelled) continue;
      if (job.seq === culprit) {
        if (job.owner === null) this.#settle(job, fail(job.index), undefined);
        else requeue.push(...this.#splitChunk(job, offset, fail));
      } else if (culprit === undefined) {
        requeue.push(...this.#asSuspects(job));
      } else {
        requeue.push(this.#reset(job));
      }
    }
    for (let i = requeue.length - 1; i >= 0; i--) this.#queue.unshift(requeue[i]!);
    if (this.#queue.length > 0 || !this.#closing) this.#spawn();
    this.#checkIdle();
  }

  /** A job that may have killed its worker: run again alone, a chunk one input at a time. */
  #asSuspects(job: Job): Job[] {
    if (job.owner === null || job.count === 1) {
      this.#reset(job).suspect = true;
      return [job];
    }
    const run = job.owner;
    return job.input.map((input, k) => {
      const piece = new ChunkJob([input], job.index + k, 1, run);
      piece.suspect = true;
      return piece;
    });
  }

  #reset(job: Job): Job {
    job.state = QUEUED;
    job.holder = null;
    job.seq = 0;
    return job;
  }

  /**
   * The chunk whose item killed a worker: that item fails, the others run again. When the worker could
   * not say which item (a process killed outright), the items run again one per job, so a second death
   * names the culprit exactly.
   */
  #splitChunk(job: ChunkJob, offset: number | undefined, fail: (index: number) => Error): Job[] {
    const run = job.owner;
    const inputs = job.input;
    if (offset === undefined) {
      if (inputs.length > 1) return this.#asSuspects(job);
      run.onItem(job.index, fail(job.index), undefined);
      return [];
    }
    run.onItem(job.index + offset, fail(job.index + offset), undefined);
    const pieces: ChunkJob[] = [];
    if (offset > 0) pieces.push(new ChunkJob(inputs.slice(0, offset), job.index, offset, run));
    if (offset + 1 < inputs.length) {
      pieces.push(
        new ChunkJob(inputs.slice(offset + 1), job.index + offset + 1, inputs.length - offset - 1, run),
      );
    }
    return pieces;
  }

  /** Start-up failed (the module, its export or its setup): every task gets that error, now and later. */
  #break(error: Error): void {
    if (this.#broken) return;
    this.#broken = error;
    for (const entry of this.#queue.drain()) this.#failEntry(entry, error);
    for (const worker of [...this.#workers]) {
      for (const job of worker.outstanding.drain()) this.#failEntry(job, error);
      worker.items = 0;
      worker.transport.terminate();
    }
    this.#checkIdle();
  }

  #failEntry(entry: Entry, error: Error): void {
    if (entry instanceof MapRun) {
      for (let i = entry.next; i < entry.inputs.length && !entry.cancelled; i++)
        entry.onItem(i, error, undefined);
      entry.next = entry.inputs.length;
    } else if (entry.owner === null) {
      this.#settle(entry, error, undefined);
    } else if (!entry.owner.cancelled) {
      for (let k = 0; k < entry.count && !entry.owner.cancelled; k++)
        entry.owner.onItem(entry.index + k, error, undefined);
    }
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0) return;
    this.#dropSettledHead();
    if (this.#queue.length > 0 || this.#workers.some((worker) => worker.outstanding.length > 0)) return;
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}
