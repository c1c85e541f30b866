/**
 * The pool behind `threads` and `processes`: one engine, two runtimes.
 *
 * Speed comes from batching. Tasks submitted in one tick are coalesced into one message per worker,
 * and the batch size follows the measured task time: a few ms of work per message, so the cost of a
 * message vanishes against tiny tasks, while long tasks go to a worker one at a time for balance.
 * `mapArray` cuts an array into chunks the same way (Python's `Pool.map` chunksize, but adaptive).
 *
 * This file moves the work: the queue, the pump, sending, results, time-outs and aborts, spawning,
 * close and usage. The rest of the pool, each file called from here:
 *   jobs.ts         what is queued and sent: MapRun, ChunkJob, the job states
 *   batching.ts     how much goes in a message and stays queued: pure functions of the task time
 *   pool-worker.ts  one worker: the jobs it holds, its waiters, kill, close, stats
 *   recovery.ts     a worker that died or a message that could not be sent: who is blamed, what runs again
 *   transport.ts    the runtime behind a worker (thread-runtime.ts, process-runtime.ts)
 *   protocol.ts     the messages both sides speak; worker/ is the other side
 */

import { now } from '../../core/clock.js';
import { Deque } from '../../core/deque.js';
import {
  type AbortError,
  ClosedError,
  deserializeError,
  outputNotCloneable,
  type SerializedError,
  setupFailed,
  setupTimedOut,
  TaskLoadError,
  taskAborted,
  taskFailed,
  taskTimedOut,
  teardownTimedOut,
  teardownWarning,
  type WorkerDiedError,
  workerDied,
  workerDiedLoading,
} from '../../core/errors.js';
import type { ResolvedOptions, StrategyName } from '../../core/options.js';
import { packNumbers } from '../../core/pack.js';
import type { TimelineEntry, WorkerUsage } from '../../core/types.js';
import { holdsClassInstance } from '../../core/values.js';
import { taskLabel } from '../../task/label.js';
import type { LimitOutcome } from '../limiter.js';
import { WorkerLimits } from '../moving-limit.js';
import { type ItemCallback, type MapHandle, type Strategy, TaskRequest } from '../strategy.js';
import {
  batchSize,
  capacityHint,
  chunkSize,
  hasRoom,
  keepsEveryWorkerBusy,
  mapMessages,
  mayPrefetch,
  nextItemMs,
  runMessages,
  stealAfterMs,
  workersToStart,
} from './batching.js';
import {
  ChunkJob,
  type Entry,
  MapRun,
  mustRunAlone,
  type PoolJob,
  QUEUED,
  SENT,
  SETTLED,
  takenBack,
} from './jobs.js';
import { PoolWorker } from './pool-worker.js';
import {
  ABORT,
  CHUNK,
  CHUNK_DONE,
  CLOSED,
  ERR,
  fenceJobs,
  holdsUnstarted,
  INIT_ERROR,
  isRunning,
  OK,
  OUTPUT_CLONE_CODE,
  READY,
  RESULTS,
  RUN,
  SKIPPED,
  STATS,
  sharedSlots,
  TAG,
  type WorkerMessage,
  type WorkerStats,
} from './protocol.js';
import {
  describeExit,
  type FailInput,
  failEntry,
  findCulprits,
  requeueCloneable,
  resetJob,
  salvage,
  splitUncloneable,
} from './recovery.js';
import type { Exit, Runtime } from './transport.js';

/** How long a timed-out or aborted task has to stop before its worker is replaced. */
export const ABORT_GRACE_MS = 1000;
/** How long a worker process has to answer whether its event loop still turns. */
const LOOP_PING_MS = 500;
/** How many queue entries the pool looks at, at most, to count the messages it has for new workers. */
const QUEUE_SCAN = 64;

export class Pool implements Strategy {
  readonly name: StrategyName;
  /** As the caller sees it: workers, or for an in-process strategy isolated on a worker, its own concurrency. */
  readonly concurrency: number;
  /** Tasks each worker runs at once on its event loop; under `inFlight: 'adaptive'`, where it started. */
  readonly inFlight: number | undefined;
  /**
   * Under `inFlight: 'adaptive'` (or an isolated adaptive async): the tasks in flight per worker as
   * they move. A limit per worker, fed by its own tasks (docs/adaptive.md says why), seen as their mean.
   */
  readonly adaptive: WorkerLimits | undefined;
  /** Workers, and the lanes each has: the most tasks it runs at once (under adaptive, the bound). */
  readonly #size: number;
  readonly #inFlight: number;
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
  #stealTimer: NodeJS.Timeout | undefined;
  #broken: Error | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  #started = 0;

  /**
   * `as`: the strategy this pool stands in for, when it runs `sequential` or `async` on one worker
   * thread of their own (the `isolate` option): it then answers to that name and concurrency.
   */
  constructor(runtime: Runtime, options: ResolvedOptions, as?: { name: StrategyName; concurrency: number }) {
    this.#runtime = runtime;
    this.#options = options;
    this.name = as?.name ?? (runtime.kind === 'thread' ? 'threads' : 'processes');
    this.concurrency = as?.concurrency ?? options.concurrency;
    this.inFlight = as ? undefined : options.inFlight;
    this.#size = options.concurrency;
    const moving = options.inFlightAdaptive;
    this.#inFlight = moving?.max ?? options.inFlight;
    this.adaptive = moving && new WorkerLimits(moving, options.inFlight, now(), options.adaptiveFloorMs);
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

  /**
   * Starts every worker now, while the caller does something else (under `auto`, the sequential
   * sample): the start-up overlaps that work instead of following it.
   */
  prestart(): void {
    if (this.#refusal()) return;
    for (let n = this.#size - this.#liveWorkers(); n > 0; n--) this.#spawn();
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
        if (job.owner === run && !job.returned) worker.transport.send([TAG, ABORT, job.seq, 'abort']);
      }
    }
  }

  capacityHint(): number {
    // Under adaptive, as under async: twice the limit now, so that the stream's refill (at half its
    // window) never leaves the workers below their limits, and the limiter always sees them used.
    if (this.adaptive) return 2 * this.#size * this.adaptive.now();
    return capacityHint(this.#itemMs, this.#size, this.#held());
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
      const { teardownTimeout } = this.#options;
      await Promise.all(
        this.#workers.map(async (worker) => {
          if (await worker.close(teardownTimeout)) {
            process.emitWarning(teardownTimedOut(this.#label, teardownTimeout, worker.id));
          }
        }),
      );
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
    if (this.#queue.length > 0) {
      // Round-robin, one batch per worker per round, so a short queue spreads across the workers.
      let progress = true;
      while (progress && this.#queue.length > 0) {
        progress = false;
        for (const worker of this.#workers) {
          if (worker.ready && this.#takesWork(worker) && this.#hasRoom(worker) && this.#sendBatch(worker))
            progress = true;
          if (this.#queue.length === 0) break;
        }
      }
      if (this.#queue.length > 0) this.#grow();
    }
    if (this.#queue.length === 0) this.#stealForIdle();
  }

  // ── work stealing ───────────────────────────────────────────────────────────────────────────

  /**
   * Nothing left to send and a worker idle, while another sits silent on jobs it has not started
   * (queued behind a long or stuck task): take them back and send them to the idle one. A thread's
   * jobs are fenced through shared memory, so it never starts what was taken; a process may still run
   * them later, and its results for them are dropped (the first result of an input wins).
   */
  #stealForIdle(): void {
    if (!this.#workers.some((worker) => worker.ready && this.#takesWork(worker) && worker.items === 0))
      return;
    const now = performance.now();
    const after = stealAfterMs(this.#itemMs);
    let took = false;
    let wait = Number.POSITIVE_INFINITY;
    for (const victim of this.#workers) {
      if (!victim.ready || victim.dead || !this.#mayHoldUnstarted(victim)) continue;
      const quietFor = now - Math.max(victim.heardAt, victim.sentAt);
      if (quietFor >= after) took = this.#takeBack(victim) || took;
      else wait = Math.min(wait, after - quietFor);
    }
    if (took) this.#schedulePump();
    else if (Number.isFinite(wait) && this.#stealTimer === undefined) {
      this.#stealTimer = setTimeout(() => {
        this.#stealTimer = undefined;
        this.#pump();
      }, wait);
      this.#stealTimer.unref();
    }
  }

  /** Whether a worker may hold jobs it has not started: more than it runs at once. */
  #mayHoldUnstarted(worker: PoolWorker): boolean {
    if (worker.lanes) return holdsUnstarted(worker.lanes, worker.nextSeq);
    let unreturned = 0;
    for (const job of worker.outstanding) if (!job.returned && ++unreturned > this.#inFlight) return true;
    return false;
  }

  /** Takes back the jobs a worker has not started (a process: all beyond what it runs at once). */
  #takeBack(victim: PoolWorker): boolean {
    let from: number | undefined;
    if (victim.lanes) from = fenceJobs(victim.lanes, victim.nextSeq);
    else {
      let unreturned = 0;
      for (const job of victim.outstanding) {
        if (!job.returned && ++unreturned > this.#inFlight) {
          from = job.seq;
          break;
        }
      }
    }
    if (from === undefined) return false;
    const taken: PoolJob[] = [];
    const left: PoolJob[] = [];
    const { outstanding } = victim;
    while ((outstanding.at(outstanding.length - 1)?.seq ?? 0) >= from) {
      const job = outstanding.pop()!;
      left.push(takenBack(job.seq, job.count));
      if (job.returned) continue;
      victim.items -= job.count;
      victim.abandoned.delete(job);
      clearTimeout(job.timer);
      if (job.state !== SETTLED && !job.owner?.cancelled) taken.push(job);
      // Given up on already (timed out, aborted) and now never to start: nothing more to wait for.
      else job.returned = true;
    }
    for (let i = left.length - 1; i >= 0; i--) outstanding.push(left[i]!);
    // Nothing it still runs comes before them: they leave, and an idle worker holds nothing.
    while (outstanding.peek()?.returned) outstanding.shift();
    if (outstanding.length === 0) victim.release();
    victim.stuck = true;
    // Oldest first, at the front: they were sent before anything still queued.
    for (const job of taken) this.#queue.unshift(resetJob(job));
    return taken.length > 0;
  }

  /**
   * How many tasks a worker may hold: its lanes, or under adaptive, its limit now (all of them running);
   * without a worker, what one holds on average.
   */
  #held(worker?: PoolWorker): number {
    if (!this.adaptive) return this.#inFlight;
    return worker ? this.adaptive.limitOf(worker.id) : this.adaptive.now();
  }

  /**
   * A worker holding a job that must run alone takes nothing more; under adaptive, one holds no more
   * than the limit (nothing queued at the worker, so a cut takes effect as tasks finish and a task's
   * latency is the service's); else the batching policy says, and a worker of long tasks may hold the
   * next one while the queue has work for every worker.
   */
  #hasRoom(worker: PoolWorker): boolean {
    if (worker.alone) return false;
    if (this.adaptive) return worker.items < this.adaptive.limitOf(worker.id);
    if (hasRoom(this.#itemMs, worker.items, this.#inFlight)) return true;
    if (!mayPrefetch(this.#itemMs, worker.items, this.#inFlight)) return false;
    const workers = this.#workers.length;
    return keepsEveryWorkerBusy(this.#queuedMessages(workers + 1), workers);
  }

  /** How many more inputs a message to this worker may carry: under adaptive, its room below the limit. */
  #room(worker: PoolWorker): number {
    return this.adaptive
      ? Math.max(1, this.adaptive.limitOf(worker.id) - worker.items)
      : Number.POSITIVE_INFINITY;
  }

  /** Not closing, not doomed, and not waiting to see whether a task it was told to give up on stops. */
  #takesWork(worker: PoolWorker): boolean {
    return !worker.closing && !worker.doomedBy && !worker.stuck && worker.abandoned.size === 0;
  }

  /**
   * Starts workers for what is left queued once every worker has taken what it can: one per message
   * the queue will make beyond those the starting workers will take, up to `concurrency`. Workers
   * start as work arrives, all those a job can use at once (they start in parallel, and a map
   * measures its task on each as it comes up), and never one more than there is work for.
   */
  #grow(): void {
    let live = 0;
    let starting = 0;
    for (const worker of this.#workers) {
      if (worker.doomedBy) continue;
      live++;
      if (!worker.ready) starting++;
    }
    if (live >= this.#size) return;
    const wanted = this.#queuedMessages(starting + this.#size - live);
    for (let n = workersToStart(wanted, starting, live, this.#size); n > 0; n--) this.#spawn();
  }

  /**
   * How many messages the queue will go out in, counted up to `limit`: a map, the chunks it is cut
   * into; `run` tasks, the batches they share. Past its first QUEUE_SCAN entries (a long queue of `run`
   * tasks), the rest count as tasks that share batches: the count stays cheap however long the queue.
   */
  #queuedMessages(limit: number): number {
    const batch = batchSize(this.#itemMs);
    const scanned = Math.min(this.#queue.length, QUEUE_SCAN);
    let messages = 0;
    let shared = this.#queue.length - scanned;
    for (let i = 0; i < scanned && messages + Math.ceil(shared / batch) < limit; i++) {
      const entry = this.#queue.at(i)!;
      if (entry instanceof MapRun) {
        if (entry.cancelled) continue;
        const remaining = entry.inputs.length - entry.next;
        messages += mapMessages(this.#itemMs, remaining, this.#size, this.#options.chunkSize, entry.probing);
      } else if (entry.state !== SETTLED && !entry.owner?.cancelled) {
        if (entry.owner !== null || mustRunAlone(entry) || this.#startsAtOnce(entry)) messages++;
        else shared++;
      }
    }
    return messages + runMessages(this.#itemMs, shared);
  }

  /** Workers that take work: started, starting, or busy, but not one waiting to be replaced. */
  #liveWorkers(): number {
    let live = 0;
    for (const worker of this.#workers) if (!worker.doomedBy) live++;
    return live;
  }

  /**
   * With several tasks in flight per worker, a task with a time-out goes only where it starts at once
   * (a free slot), so its clock never counts time spent queued behind others.
   */
  #startsAtOnce(job: PoolJob): boolean {
    return this.#inFlight > 1 && job.timeout !== undefined;
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
    if (!(head instanceof MapRun) && this.#startsAtOnce(head) && !head.suspect) {
      if (worker.items >= this.#held(worker)) return false;
      this.#queue.shift();
      this.#sendSingles(worker, [head as TaskRequest]);
      return true;
    }
    if (!(head instanceof MapRun) && mustRunAlone(head)) {
      if (worker.items > 0) return false;
      this.#queue.shift();
      worker.alone = true;
      if (head.owner === null) this.#sendSingles(worker, [head]);
      else this.#sendChunk(worker, head);
      return true;
    }
    if (head instanceof MapRun) {
      if (head.probing && worker.items >= this.#held(worker)) return false;
      const size = head.probing
        ? 1
        : Math.min(
            this.#room(worker),
            chunkSize(this.#itemMs, head.inputs.length - head.next, this.#size, this.#options.chunkSize),
          );
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
    const max = Math.min(
      batchSize(this.#itemMs),
      Math.ceil(this.#queue.length / this.#workers.length),
      this.#room(worker),
    );
    const jobs: TaskRequest[] = [];
    for (let next = this.#queue.peek(); jobs.length < max && next instanceof TaskRequest; ) {
      if (next.state !== SETTLED && (mustRunAlone(next) || this.#startsAtOnce(next))) break;
      this.#queue.shift();
      if (next.state !== SETTLED) jobs.push(next);
      next = this.#queue.peek();
    }
    if (jobs.length > 0) this.#sendSingles(worker, jobs);
    return true;
  }

  #sendSingles(worker: PoolWorker, jobs: TaskRequest[]): void {
    worker.sentAt = performance.now();
    const first = worker.nextSeq;
    const inputs = new Array<unknown>(jobs.length);
    let refused = false;
    const firstIndex = jobs[0]!.index;
    let consecutive = true;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      this.#dispatch(worker, job);
      inputs[i] = job.input;
      consecutive &&= job.index === firstIndex + i;
      refused ||= holdsClassInstance(job.input);
    }
    // The inputs' indices, for context.index: most batches are consecutive, and cost one number.
    const indices = consecutive ? firstIndex : jobs.map((job) => job.index);
    try {
      // A class instance would clone without error, as a plain object: refuse it like what cannot clone.
      if (refused) throw new TypeError('a class instance');
      worker.transport.send([TAG, RUN, first, inputs, indices]);
    } catch {
      this.#undispatch(worker, jobs);
      requeueCloneable(jobs, this.#runtime, this.#queue, this.#failInput);
    }
  }

  #sendChunk(worker: PoolWorker, job: ChunkJob): void {
    worker.sentAt = performance.now();
    this.#dispatch(worker, job);
    try {
      const packed = packNumbers(job.input);
      if (packed) {
        worker.transport.send([TAG, CHUNK, job.seq, packed, job.index], [packed.buffer as ArrayBuffer]);
      } else if (job.input.some(holdsClassInstance)) throw new TypeError('a class instance');
      else worker.transport.send([TAG, CHUNK, job.seq, job.input, job.index]);
    } catch {
      this.#undispatch(worker, [job]);
      const pieces = splitUncloneable(job, this.#runtime, this.#failInput);
      for (let i = pieces.length - 1; i >= 0; i--) this.#queue.unshift(pieces[i]!);
    }
  }

  #dispatch(worker: PoolWorker, job: PoolJob): void {
    job.seq = worker.nextSeq++;
    job.holder = worker;
    job.state = SENT;
    if (worker.outstanding.length === 0) worker.transport.ref();
    worker.outstanding.push(job);
    worker.items += job.count;
    job.inFlightAtSend = worker.items;
    if (job instanceof TaskRequest && job.timeout !== undefined) {
      job.timer = setTimeout(() => this.#abandon(job, 'timeout'), job.timeout);
    }
  }

  /** Takes back jobs whose message could not be sent (the last ones dispatched to the worker). */
  #undispatch(worker: PoolWorker, jobs: PoolJob[]): void {
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

  // ── results ─────────────────────────────────────────────────────────────────────────────────

  #onMessage(worker: PoolWorker, message: WorkerMessage): void {
    worker.heardAt = performance.now();
    switch (message[1]) {
      case RESULTS:
        worker.stuck = false;
        this.#onResults(worker, message[2], message[3], message[4], message[5]);
        return;
      case READY:
        clearTimeout(worker.setupTimer);
        worker.markReady();
        this.#pump();
        // Idle once ready (the queue went to the other workers, or was empty): it must not keep the
        // program alive, or a program that forgets close() never ends (seen under load).
        if (worker.outstanding.length === 0 && !this.#closing) worker.transport.unref();
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
      const job = worker.take(flat[r] as number);
      const status = flat[r + 1];
      const payload = flat[r + 2];
      // A task given up on already (timed out) was sampled then: its late result is not sampled again.
      const fresh = job !== undefined && job.state !== SETTLED;
      if (job === undefined) {
        // Taken back and run elsewhere: the first result of an input wins. Skip its timeline too.
        if (timeline && status !== SKIPPED)
          t += 2 * (status === CHUNK_DONE ? (payload as [ArrayLike<unknown>])[0].length : 1);
        continue;
      }
      if (timeline && status !== SKIPPED) {
        const failed = this.adaptive && fresh ? failedItems(status, payload) : null;
        for (let k = 0; k < job.count; k++) {
          const start = timeline[t]!;
          const end = timeline[t + 1]!;
          this.#timeline?.push({ workerId: worker.id, index: job.index + k, start, end });
          if (failed) {
            const outcome: LimitOutcome = failed === true || failed.has(k) ? 'error' : 'ok';
            this.adaptive!.sample(worker.id, { start, end, inFlight: job.inFlightAtSend, outcome });
          }
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
    if (worker.doomedBy) this.#killIfDone(worker);
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

  /** How recovery fails one input: a task settles, a chunk's item goes to its map. */
  readonly #failInput: FailInput = (job, index, error) => {
    if (job.owner === null) this.#settle(job, error, undefined);
    else job.owner.onItem(index, error, undefined);
  };

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
    if (
      why === 'timeout' &&
      wasSent &&
      worker?.lanes &&
      this.#inFlight > 1 &&
      !isRunning(worker.lanes, job.seq)
    ) {
      // Sent, but not started: another task holds the worker's loop. Its clock starts again; if that
      // task is stuck for good, its own time-out replaces the worker and this one runs elsewhere.
      job.timer = setTimeout(() => this.#abandon(job, 'timeout'), job.timeout);
      return;
    }
    if (
      why === 'timeout' &&
      wasSent &&
      worker &&
      !worker.lanes &&
      this.#inFlight > 1 &&
      !job.pinged &&
      worker.outstanding.peek() !== job
    ) {
      // A process shows no lanes: whether this task started, or waits behind one holding the loop, is
      // asked. A loop that answers is free, and the task timed out; one that does not is held by
      // another task (its oldest is the likeliest), and this one's clock starts again.
      job.pinged = true;
      const askedAt = performance.now();
      worker.transport.send([TAG, STATS]);
      job.timer = setTimeout(() => {
        if (job.state === SETTLED || job.holder !== worker) return;
        if (worker.heardAt >= askedAt) this.#abandon(job, 'timeout');
        else {
          job.pinged = false;
          job.timer = setTimeout(() => this.#abandon(job, 'timeout'), job.timeout);
        }
      }, LOOP_PING_MS);
      return;
    }
    if (why === 'timeout' && wasSent && worker && this.adaptive) {
      // A time-out counts as congestion: it cuts the limit as an error does.
      const end = now();
      this.adaptive.sample(worker.id, {
        start: end - job.timeout!,
        end,
        inFlight: job.inFlightAtSend,
        outcome: 'timeout',
      });
    }
    this.#settle(job, error, undefined);
    if (!wasSent || !worker || worker.dead) return;
    worker.transport.send([TAG, ABORT, job.seq, why]);
    const askedAt = performance.now();
    if (this.#inFlight > 1) {
      // Whether its event loop still turns: a worker that answers this is not stuck in synchronous code.
      worker.abandoned.add(job);
      worker.transport.send([TAG, STATS]);
    }
    const grace = setTimeout(() => {
      worker.abandoned.delete(job);
      if (job.returned || worker.dead) {
        this.#schedulePump();
        return;
      }
      const reason = `input ${job.index} did not stop within ${ABORT_GRACE_MS} ms of its ${why}`;
      // One task at a time, or a loop that no longer turns: nothing else on it can finish.
      if (this.#inFlight === 1 || worker.heardAt < askedAt) {
        worker.kill(job, reason);
        return;
      }
      // Its other tasks in flight may finish: the worker takes nothing more, and a new one takes its place.
      if (!worker.doomedBy) {
        worker.doomedBy = job;
        worker.doomReason = reason;
      }
      this.#killIfDone(worker);
      this.#pump();
    }, ABORT_GRACE_MS);
    grace.unref();
  }

  /** A doomed worker is killed once nothing it holds is still awaited. */
  #killIfDone(worker: PoolWorker): void {
    if (!worker.dead && worker.holdsOnlyAbandoned()) worker.kill(worker.doomedBy, worker.doomReason);
  }

  // ── workers ─────────────────────────────────────────────────────────────────────────────────

  #spawn(): PoolWorker {
    const worker = new PoolWorker(this.#nextWorkerId++);
    const shared = this.#runtime.sharesMemory
      ? new SharedArrayBuffer(sharedSlots(this.#inFlight) * Int32Array.BYTES_PER_ELEMENT)
      : null;
    this.#workers.push(worker);
    this.adaptive?.add(worker.id, now());
    this.#started++;
    worker.lanes = shared && new Int32Array(shared);
    worker.transport = this.#runtime.start(
      {
        init: {
          taskUrl: this.#options.taskUrl,
          exportName: this.#options.exportName,
          workerId: worker.id,
          // Under adaptive, each task's start and end feed the limit: the worker times them.
          timeline: this.#options.timeline || this.adaptive !== undefined,
          taskOptions: this.#options.taskOptions,
          inFlight: this.#inFlight,
          shared,
        },
        maxMemoryMb: this.#options.maxMemoryMb,
      },
      { message: (message) => this.#onMessage(worker, message), exit: (exit) => this.#onExit(worker, exit) },
    );
    const { setupTimeout } = this.#options;
    worker.setupTimer = setTimeout(() => {
      if (worker.ready || worker.dead) return;
      this.#break(setupTimedOut(this.#label, setupTimeout));
    }, setupTimeout);
    worker.setupTimer.unref();
    return worker;
  }

  #onExit(worker: PoolWorker, exit: Exit): void {
    clearTimeout(worker.setupTimer);
    worker.markDead();
    this.adaptive?.remove(worker.id, now());
    this.#workers.splice(this.#workers.indexOf(worker), 1);
    if (worker.stats) this.#deadStats.push(worker.stats);
    if (worker.closing || this.#broken) {
      this.#checkIdle();
      return;
    }
    const { how, cause } = describeExit(exit, worker.killReason, this.#options.maxMemoryMb);
    const kind = this.#runtime.kind;
    if (!worker.ready) {
      this.#break(workerDiedLoading(worker.id, kind, this.#label, how, cause));
      return;
    }
    const jobs = worker.outstanding.drain().filter((job) => !job.returned);
    worker.items = 0;
    for (const job of jobs) clearTimeout(job.timer);
    // The inputs in flight fail; the other jobs run again, each alone if nobody knows what was in flight.
    const culprits = findCulprits(worker.killedFor, exit.note, jobs);
    const blamed = culprits?.length ?? 1;
    const died = (index: number): WorkerDiedError =>
      workerDied(worker.id, kind, this.#label, index, how, cause, blamed);
    const requeue = salvage(jobs, culprits, died, this.#failInput);
    for (let i = requeue.length - 1; i >= 0; i--) this.#queue.unshift(requeue[i]!);
    if ((this.#queue.length > 0 || !this.#closing) && this.#liveWorkers() < this.#size) this.#spawn();
    this.#schedulePump();
    this.#checkIdle();
  }

  /** Start-up failed (the module, its export or its setup): every task gets that error, now and later. */
  #break(error: Error): void {
    if (this.#broken) return;
    this.#broken = error;
    for (const entry of this.#queue.drain()) failEntry(entry, error, this.#failInput);
    for (const worker of [...this.#workers]) {
      for (const job of worker.outstanding.drain()) if (!job.returned) failEntry(job, error, this.#failInput);
      worker.items = 0;
      worker.transport.terminate();
    }
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0) return;
    this.#dropSettledHead();
    if (this.#queue.length > 0 || this.#workers.some((worker) => worker.outstanding.length > 0)) return;
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}

/**
 * Which items of an answered job failed, for the adaptive limit: all (true) for a single task that
 * failed, the offsets of a chunk's failed items, or none (an empty set).
 */
function failedItems(status: unknown, payload: unknown): true | Set<number> {
  if (status === ERR) return true;
  if (status !== CHUNK_DONE) return new Set();
  const errors = (payload as [unknown, [number, SerializedError][] | null])[1];
  return new Set(errors?.map(([offset]) => offset));
}
