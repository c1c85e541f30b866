/**
 * One worker as the pool drives it: its transport, the jobs it holds, and the calls that wait on it
 * (ready, stats, exit, close). The pool decides what to send; this records what was sent, and how
 * the worker is.
 */
import { Deque } from '../../core/deque.js';
import { type PoolJob, SETTLED } from './jobs.js';
import { CLOSE, STATS, TAG, type WorkerStats } from './protocol.js';
import type { Transport } from './transport.js';

/** How long `usage()` waits for a child process to report. */
const STATS_TIMEOUT_MS = 2000;

/** How often the keep-alive timer of a closing worker ticks (it does nothing but exist). */
const KEEP_ALIVE_MS = 1000;
/** How long close() waits for the exit of a worker it stopped. */
const EXIT_AFTER_KILL_MS = 2000;

export class PoolWorker {
  transport!: Transport;
  ready = false;
  dead = false;
  closing = false;
  closed = false;
  /**
   * Jobs sent and not yet answered, oldest first, with consecutive seqs. A worker with one task in
   * flight answers in that order; with several, out of order: an answered job stays (marked
   * `returned`) until the ones before it are answered too, so the oldest is never an answered one.
   */
  readonly outstanding = new Deque<PoolJob>();
  /** The inputs in `outstanding`: a chunk counts as many as it carries. */
  items = 0;
  /** Holds a job that must run alone (a suspect, or a task with a time-out): takes nothing more. */
  alone = false;
  nextSeq = 1;
  /**
   * A task on it ignored its time-out or abort: it takes nothing more, and is killed for `doomedBy`
   * once its other tasks are answered or given up on.
   */
  doomedBy: PoolJob | null = null;
  doomReason = '';
  /** Tasks it was told to give up on, within their grace: until they answer, it is sent nothing more. */
  readonly abandoned = new Set<PoolJob>();
  /** When it last said anything: a worker whose event loop is blocked says nothing. */
  heardAt = 0;
  /** A thread's lanes, readable while it runs: the seq of each task it is running now. */
  lanes: Int32Array | null = null;
  /** When it was last sent work. */
  sentAt = 0;
  /** Jobs were taken back from it: it is sent nothing more until it answers. */
  stuck = false;
  /** Set when the pool kills the worker: its death is then blamed on this job, for this reason. */
  killedFor: PoolJob | null = null;
  killReason: string | undefined;
  /** Breaks the pool if the worker's setup outlasts the `setupTimeout` option. */
  setupTimer: NodeJS.Timeout | undefined = undefined;
  stats: WorkerStats | undefined;
  readonly #statsWaiters: ((stats: WorkerStats | undefined) => void)[] = [];
  readonly #readyWaiters: (() => void)[] = [];
  readonly #exitWaiters: (() => void)[] = [];
  constructor(readonly id: number) {}

  /** The outstanding job `seq`, now answered; the answered jobs at the front leave `outstanding`. */
  take(seq: number): PoolJob | undefined {
    const head = this.outstanding.peek();
    // A job taken back from it (work stealing) that a process ran all the same: read and dropped.
    const job = head && this.outstanding.at(seq - head.seq);
    if (job === undefined || job.returned) return undefined;
    job.returned = true;
    this.items -= job.count;
    if (this.abandoned.size > 0) this.abandoned.delete(job);
    while (this.outstanding.peek()?.returned) this.outstanding.shift();
    return job;
  }

  /** Whether every job it still holds was given up on (timed out or aborted): nothing else waits on it. */
  holdsOnlyAbandoned(): boolean {
    for (const job of this.outstanding) if (!job.returned && job.state !== SETTLED) return false;
    return true;
  }

  /** It said READY: its task is loaded and set up. */
  markReady(): void {
    this.ready = true;
    for (const wake of this.#readyWaiters.splice(0)) wake();
  }

  /** It answered a STATS request. */
  receiveStats(stats: WorkerStats): void {
    this.stats = stats;
    for (const wake of this.#statsWaiters.splice(0)) wake(stats);
  }

  /** It exited: whoever waits for it to be ready, to exit or to report stops waiting. */
  markDead(): void {
    this.dead = true;
    for (const wake of [...this.#readyWaiters.splice(0), ...this.#exitWaiters.splice(0)]) wake();
    for (const wake of this.#statsWaiters.splice(0)) wake(undefined);
  }

  /** A worker with nothing outstanding does not keep the process alive: a forgotten close() never hangs it. */
  release(): void {
    this.alone = false;
    if (!this.closing) this.transport.unref();
  }

  kill(culprit: PoolJob | null, reason: string): void {
    this.killedFor = culprit;
    this.killReason = reason;
    this.transport.terminate();
  }

  /**
   * Runs its teardown and ends it; stops it if the teardown takes longer than `teardownMs`, and then
   * returns true.
   */
  async close(teardownMs: number): Promise<boolean> {
    this.transport.ref();
    if (!this.ready && !this.dead) await new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
    if (this.dead) return false;
    this.closing = true;
    let stopped = false;
    let giveUp: NodeJS.Timeout | undefined;
    // Until its exit is reported, something must keep the program alive: a killed child's exit can
    // arrive on handles that were unref'd while it sat idle (seen once under load: close() never ended).
    const keepAlive = setInterval(() => {}, KEEP_ALIVE_MS);
    await new Promise<void>((resolve) => {
      this.#exitWaiters.push(resolve);
      const killer = setTimeout(() => {
        stopped = true;
        this.transport.terminate();
        // A stopped worker whose exit never shows must not hold close() for ever.
        giveUp = setTimeout(resolve, EXIT_AFTER_KILL_MS);
      }, teardownMs);
      this.#exitWaiters.push(() => clearTimeout(killer));
      this.transport.send([TAG, CLOSE]);
    });
    clearInterval(keepAlive);
    clearTimeout(giveUp);
    return stopped;
  }

  /** Its CPU and memory as it reports them now; the last report if it cannot answer. */
  requestStats(): Promise<WorkerStats | undefined> {
    if (!this.ready || this.dead) return Promise.resolve(this.stats);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.stats), STATS_TIMEOUT_MS);
      this.#statsWaiters.push((stats) => {
        clearTimeout(timer);
        resolve(stats);
      });
      this.transport.send([TAG, STATS]);
    });
  }
}
