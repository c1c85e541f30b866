/**
 * The `distributed` strategy: the caller's side. Inputs go many to a job onto a BullMQ queue of the
 * run's own (`<queue>.<run id>`), announced on the base queue's control channel, and `fanout worker`
 * processes (any number, on any machine) that listen there run them with their own local executor.
 * The run keeps a heartbeat while it is open; at close it says it ended and removes its queue and
 * its results list, so nothing of it stays in Redis.
 *
 * Exactly one outcome per input, although BullMQ is at-least-once:
 * - results come back on a Redis list of this run's own (protocol.ts), read with BLMPOP: nothing
 *   trims a list, so a result pushed is a result read;
 * - a job that ran twice (its first worker was thought dead) pushes twice: the first outcome of an
 *   input wins, a late one is dropped;
 * - every RECONCILE_MS the producer asks Redis about its jobs still out: a job that failed (it lost
 *   its worker MAX_STALLS + 1 times) is split into single inputs, and a single one fails with an error
 *   that says so; a job Redis no longer has (a restart without persistence) is sent again;
 * - a cancelled input (its signal, its time-out, its map's signal) is cancelled on the worker too:
 *   the producer publishes it on the control channel and the task's own `context.signal` fires;
 * - nobody listening for `noWorkerTimeout`, or Redis gone for `redisDownTimeout`: every input out
 *   fails with one DistributedError that says which.
 */
import { randomBytes } from 'node:crypto';
import { serialize } from 'node:v8';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { now } from '../../core/clock.js';
import { Deque } from '../../core/deque.js';
import {
  CloneError,
  ClosedError,
  deserializeError,
  inputKilledWorkers,
  inputNotCloneable,
  moduleMismatch,
  noWorkers,
  redisDown,
  remoteFailed,
  type SerializedError,
  SetupError,
  TaskLoadError,
  TimeoutError,
  taskAborted,
  taskFailed,
  taskTimedOut,
  WorkerDiedError,
} from '../../core/errors.js';
import type { ResolvedOptions } from '../../core/options.js';
import type { TimelineEntry, WorkerUsage } from '../../core/types.js';
import { cloneProblem, holdsClassInstance } from '../../core/values.js';
import { taskLabel } from '../../task/label.js';
import { MovingLimit } from '../moving-limit.js';
import { type ItemCallback, type MapHandle, type Strategy, TaskRequest } from '../strategy.js';
import { clearRun } from './clear.js';
import { whereOf } from './connection-url.js';
import { type ModuleIdentity, moduleIdentity } from './identity.js';
import {
  BEAT_MS,
  beatKey,
  type Cancel,
  connectionNames,
  controlChannel,
  decodeRecord,
  encodeControl,
  encodeEntry,
  encodeInputs,
  encodeOptions,
  holdersKey,
  type JobData,
  jobId,
  listeningHashes,
  type ResultRecord,
  RUN_TTL_MS,
  resultsKey,
  runQueue,
  runsKey,
} from './protocol.js';
import { jobSize, nextItemMs, PROBE_JOBS, readAhead } from './sizing.js';
import { MAX_STALLS, RECONCILE_MS } from './timings.js';
import { within } from './within.js';

const SETTLED = 2;
/** Results taken off the list per read. */
const READ_COUNT = 1000;
/** How long each step of close() may take before it goes on without it. */
const CLOSE_STEP_MS = 2000;
/** How long one blocking read waits, in s: the reader looks up at least this often. */
const READ_BLOCK_S = 1;
/** How long close() waits for the workers to let go of the run's queue before it removes it. */
const LEAVE_WAIT_MS = 5000;
/** How often close() looks whether the workers have let go. */
const LEAVE_POLL_MS = 50;
/** How long clearing the run away may take at close(), its lock's wait included. */
const CLEAR_MS = 10_000;

/** The inputs of one `mapArray`: handed out job by job, each outcome once. */
class MapRun {
  next = 0;
  cancelled = false;
  readonly settled: Uint8Array;
  constructor(
    readonly inputs: readonly unknown[],
    readonly onItem: ItemCallback,
  ) {
    this.settled = new Uint8Array(inputs.length);
  }
}

/** One job: inputs from `run` calls (requests) or from a map (its indices). */
class Batch {
  /** Inputs not settled yet: the job is out until it reaches 0. */
  open = 0;
  sentAt = 0;
  /** Redis has the job (its add was answered). */
  added = false;
  /** The job carries its inputs' time-out: the worker's own executor times them out. */
  timed = false;
  /** Jobs out when it was sent, itself included; 0 for a probe job (sent before any was timed). */
  inFlight = 0;
  constructor(
    readonly id: string,
    readonly inputs: unknown[],
    readonly requests: TaskRequest[] | null,
    readonly map: MapRun | null,
    readonly indices: readonly number[],
    /** A single input split from a job that lost its workers: its failure is its own. */
    readonly alone: boolean,
  ) {
    for (let k = 0; k < inputs.length; k++) {
      if (requests) requests[k]!.holder = this;
      if (this.isOpen(k)) this.open++;
    }
  }
  indexOf(k: number): number {
    return this.requests ? this.requests[k]!.index : this.indices[k]!;
  }
  isOpen(k: number): boolean {
    return this.requests ? this.requests[k]!.state !== SETTLED : this.map!.settled[this.indices[k]!] === 0;
  }
  /** The same job's open inputs under a new id, to send again. */
  again(id: string): Batch {
    const keep: number[] = [];
    for (let k = 0; k < this.inputs.length; k++) if (this.isOpen(k)) keep.push(k);
    return this.subset(id, keep);
  }
  subset(id: string, keep: readonly number[], alone = this.alone): Batch {
    return new Batch(
      id,
      keep.map((k) => this.inputs[k]),
      this.requests ? keep.map((k) => this.requests![k]!) : null,
      this.map,
      this.requests ? [] : keep.map((k) => this.indices[k]!),
      alone,
    );
  }
}

export class DistributedStrategy implements Strategy {
  readonly name = 'distributed' as const;
  readonly concurrency: number;
  /** Under `concurrency: 'adaptive'`: the limit of jobs in flight, moved by their latency. */
  readonly adaptive: MovingLimit | undefined;
  /** Jobs allowed in flight now. */
  #limit: number;
  readonly #options: ResolvedOptions;
  readonly #label: string;
  readonly #identity: ModuleIdentity;
  readonly #where: string;
  readonly #run = randomBytes(6).toString('hex');
  readonly #resultsKey: string;
  /** The run's own BullMQ queue. */
  readonly #queueName: string;
  #beatTimer: NodeJS.Timeout | undefined;
  readonly #taskOptions: string | undefined;
  /** The run's entry in the runs hash (RunEntry, JSON): its module and its limits. */
  readonly #entry: string;
  #redis!: Redis;
  #reader!: Redis;
  #queue!: Queue;
  #opening: Promise<void> | undefined;
  #opened = false;
  readonly #requests = new Deque<TaskRequest>();
  readonly #maps: MapRun[] = [];
  /** Single inputs split from a job that lost its workers: sent first, one per job. */
  readonly #singles: Batch[] = [];
  readonly #out = new Map<string, Batch>();
  readonly #timeline: TimelineEntry[] | null;
  readonly #workerIds = new Map<string, number>();
  readonly #idleWaiters: (() => void)[] = [];
  #seq = 0;
  #itemMs: number | undefined;
  /** Tasks a worker runs at once, as the last worker to report said. */
  #slots = 1;
  #pumpScheduled = false;
  #reading = false;
  #reconciling = false;
  #timer: NodeJS.Timeout | undefined;
  #broken: Error | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  #downSince: number | undefined;
  #noWorkerSince: number | undefined;
  #lastCause: unknown;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.concurrency = options.concurrency;
    this.adaptive =
      options.adaptive === undefined
        ? undefined
        : new MovingLimit(options.adaptive, options.concurrency, now());
    this.#limit = this.adaptive?.now() ?? options.concurrency;
    this.#label = taskLabel(options.taskUrl);
    this.#identity = moduleIdentity(options.taskUrl);
    this.#where = whereOf(options.connection!);
    this.#resultsKey = resultsKey(options.queue, this.#run);
    this.#queueName = runQueue(options.queue, this.#run);
    this.#taskOptions = encodeOptions(options.taskOptions);
    this.#entry = encodeEntry({
      path: this.#identity.path,
      hash: this.#identity.hash,
      export: options.exportName,
      limits: {
        setupTimeout: options.setupTimeout,
        teardownTimeout: options.teardownTimeout,
        ...(options.maxMemoryMb === undefined ? {} : { maxMemoryMb: options.maxMemoryMb }),
      },
    });
    this.#timeline = options.timeline ? [] : null;
  }

  /**
   * Opens the connections on first use, so that an executor never used opens none, and so that
   * BullMQ and ioredis are loaded only by those who run `distributed` (they take most of a second).
   */
  #open(): void {
    this.#opening ??= (async () => {
      const [{ Queue }, { connect }] = await Promise.all([import('bullmq'), import('./connection.js')]);
      const url = this.#options.connection!;
      this.#redis = connect(url);
      this.#reader = connect(url);
      for (const redis of [this.#redis, this.#reader]) {
        redis.on('error', (error: unknown) => {
          this.#lastCause = error;
        });
        // Sockets never hold the program open: the reconcile clock does while work is out, as a
        // pool's workers do, so a program that forgets close() still ends once its work is done.
        redis.on('connect', () => unref(redis));
        unref(redis);
      }
      this.#queue = new Queue(this.#queueName, { connection: this.#redis });
      this.#queue.on('error', (error: unknown) => {
        this.#lastCause = error;
      });
      this.#opened = true;
      // The heartbeat lasts as long as the executor is open: workers join the run at its first beat
      // and clear it away once beats stop for RUN_TTL_MS (a producer that was killed).
      this.#beat();
      this.#beatTimer = setInterval(() => this.#beat(), BEAT_MS);
      this.#beatTimer.unref();
    })().then(
      () => this.#schedulePump(),
      (error: unknown) => this.#break(error instanceof Error ? error : new Error(String(error))),
    );
  }

  submit(request: TaskRequest): void {
    const refusal = this.#refusal();
    if (refusal) {
      request.done(request, refusal, undefined);
      return;
    }
    const { signal } = request;
    if (signal?.aborted) {
      request.done(request, taskAborted(this.#label, request.index, signal.reason), undefined);
      return;
    }
    if (signal) {
      request.onAbort = () => {
        this.#cancelRequest(request, 'its signal was aborted');
        this.#settleRequest(request, taskAborted(this.#label, request.index, signal.reason), undefined);
      };
      signal.addEventListener('abort', request.onAbort, { once: true });
    }
    this.#requests.push(request);
    this.#schedulePump();
  }

  mapArray(inputs: readonly unknown[], onItem: ItemCallback): MapHandle {
    const refusal = this.#refusal();
    if (refusal) {
      for (let i = 0; i < inputs.length; i++) onItem(i, refusal, undefined);
      return { cancel: () => {} };
    }
    const { timeout } = this.#options;
    if (timeout !== undefined) {
      // A time-out is per input: each travels as a request, with its own timer.
      let cancelled = false;
      const done = (request: TaskRequest, error: Error | undefined, value: unknown): void => {
        if (!cancelled) onItem(request.index, error, value);
      };
      const requests = inputs.map((input, index) => new TaskRequest(input, index, undefined, timeout, done));
      for (const request of requests) this.submit(request);
      return {
        cancel: () => {
          cancelled = true;
        },
      };
    }
    const run = new MapRun(inputs, onItem);
    if (inputs.length > 0) {
      this.#maps.push(run);
      this.#schedulePump();
    }
    return { cancel: () => this.#cancelMap(run) };
  }

  capacityHint(): number {
    return readAhead(this.#itemMs, this.#limit, this.#slots);
  }

  timeline(): TimelineEntry[] {
    return this.#timeline ?? [];
  }

  async usage(): Promise<WorkerUsage> {
    return { childCpuUser: 0, childCpuSystem: 0, childRss: 0, workersStarted: this.#workerIds.size };
  }

  close(): Promise<void> {
    this.#closing = true;
    this.#closed ??= (async () => {
      await new Promise<void>((resolve) => {
        this.#idleWaiters.push(resolve);
        this.#checkIdle();
      });
      clearInterval(this.#timer);
      this.#timer = undefined;
      if (this.#opening === undefined) return; // never used: nothing opened
      // The last words to Redis hold the program open until they are said.
      const hold = setInterval(() => {}, 60_000);
      try {
        await this.#opening;
        if (this.#opened) await this.#disconnect();
      } finally {
        clearInterval(hold);
      }
    })();
    return this.#closed;
  }

  /**
   * Ends the run: tells the workers (they stop its tasks and let go of its queue), waits for them to
   * let go, clears the run away (clear.ts) and ends every connection. Each step has a bounded time: a
   * Redis that went away makes close() end, never hang. When a worker still holds the run after
   * LEAVE_WAIT_MS, the run stays in the runs hash, without a heartbeat: the workers clear it, as a
   * killed producer's, once they have let go (nothing of theirs can land after their own clearing).
   */
  async #disconnect(): Promise<void> {
    clearInterval(this.#beatTimer);
    this.#beatTimer = undefined;
    if (this.#redis.status === 'ready') {
      const base = this.#options.queue;
      await within(
        this.#redis
          .multi()
          .del(beatKey(base, this.#run))
          .publish(controlChannel(base), encodeControl({ t: 'end', run: this.#run }))
          .exec(),
        CLOSE_STEP_MS,
      );
      let gone = false;
      await within(
        this.#workersGone().then(() => {
          gone = true;
        }),
        LEAVE_WAIT_MS,
      );
      if (gone) await within(clearRun(this.#redis, this.#queue, base, this.#run, CLOSE_STEP_MS), CLEAR_MS);
      await within(this.#queue.close(), CLOSE_STEP_MS);
      await within(this.#redis.quit(), CLOSE_STEP_MS);
    }
    // Ends the sockets and their reconnecting for good, whatever state they are in.
    this.#redis.disconnect();
    this.#reader.disconnect();
    await within(this.#queue.close(), CLOSE_STEP_MS);
  }

  /**
   * Resolves once no worker holds the run: none is listed in its holders hash with a live connection
   * (a worker killed while it held the run does not hold it up). Where CLIENT LIST is refused, every
   * worker listed counts.
   */
  async #workersGone(): Promise<void> {
    const key = holdersKey(this.#options.queue, this.#run);
    for (;;) {
      const holders = await this.#redis.hkeys(key).catch(() => []);
      if (holders.length === 0) return;
      const live = await this.#redis.client('LIST').then(
        (list) => connectionNames(String(list)),
        () => undefined,
      );
      if (live && !holders.some((holder) => live.has(holder))) return;
      await new Promise((resolve) => setTimeout(resolve, LEAVE_POLL_MS));
    }
  }

  /** Says the run is alive: in the base queue's runs hash with its entry, with a heartbeat, announced. */
  #beat(): void {
    const base = this.#options.queue;
    this.#redis
      .multi()
      .hset(runsKey(base), this.#run, this.#entry)
      .set(beatKey(base, this.#run), '1', 'PX', RUN_TTL_MS)
      .publish(controlChannel(base), encodeControl({ t: 'start', run: this.#run }))
      .exec()
      .catch((error: unknown) => {
        this.#lastCause = error;
      });
  }

  /** Tells the workers to abort inputs of a job that is out (the positions `at`, or all of them). */
  #cancelRemote(batch: Batch, at: number[] | undefined, why: string, timeout = false): void {
    if (!this.#opened) return;
    const message: Cancel = { t: 'cancel', run: this.#run, job: batch.id, why };
    if (at) message.at = at;
    if (timeout) message.timeout = true;
    this.#redis.publish(controlChannel(this.#options.queue), encodeControl(message)).catch(() => undefined);
  }

  // ── sending ───────────────────────────────────────────────────────────────────────────────

  #refusal(): Error | undefined {
    if (this.#broken) return this.#broken;
    if (this.#closing) return new ClosedError();
    return undefined;
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => this.#pump());
  }

  #pump(): void {
    this.#pumpScheduled = false;
    if (this.#broken) return;
    if (!this.#opened) {
      if (this.#requests.length > 0 || this.#maps.length > 0) this.#open();
      return;
    }
    const batches: Batch[] = [];
    const limit = this.#itemMs === undefined ? Math.min(PROBE_JOBS, this.#limit) : this.#limit;
    while (this.#out.size + batches.length < limit) {
      const batch = this.#nextBatch();
      if (!batch) break;
      if (batch.open > 0) batches.push(batch);
    }
    if (batches.length > 0) this.#send(batches);
    this.#checkIdle();
  }

  /** The next job's inputs: singles first, then `run` requests, then maps in order. */
  #nextBatch(): Batch | undefined {
    const single = this.#singles.shift();
    if (single) return single.subset(this.#nextId(), [0]);
    while (this.#requests.length > 0 && this.#requests.peek()!.state === SETTLED) this.#requests.shift();
    if (this.#requests.length > 0) {
      const size = jobSize(
        this.#itemMs,
        this.#requests.length,
        this.#limit,
        this.#options.chunkSize,
        this.#slots,
      );
      const requests: TaskRequest[] = [];
      while (requests.length < size && this.#requests.length > 0) {
        const request = this.#requests.shift()!;
        if (request.state !== SETTLED) requests.push(request);
      }
      return this.#checked(
        requests.map((request) => request.input),
        requests,
        null,
        [],
      );
    }
    while (this.#maps.length > 0) {
      const run = this.#maps[0]!;
      if (run.cancelled || run.next >= run.inputs.length) {
        this.#maps.shift();
        continue;
      }
      const size = jobSize(this.#itemMs, run.inputs.length - run.next, this.#limit, this.#options.chunkSize);
      const first = run.next;
      run.next += size;
      const indices = Array.from({ length: size }, (_, k) => first + k);
      return this.#checked(run.inputs.slice(first, first + size), null, run, indices);
    }
    return undefined;
  }

  #nextId(): string {
    return jobId(this.#run, this.#seq++);
  }

  /** A batch of what can cross to a worker: an input that cannot fails here, named. */
  #checked(
    inputs: unknown[],
    requests: TaskRequest[] | null,
    map: MapRun | null,
    indices: readonly number[],
  ): Batch {
    const batch = new Batch(this.#nextId(), inputs, requests, map, indices, false);
    let bad = inputs.some(holdsClassInstance);
    if (!bad) {
      try {
        serialize(inputs);
      } catch {
        bad = true;
      }
    }
    if (!bad) return batch;
    const keep: number[] = [];
    for (let k = 0; k < inputs.length; k++) {
      const problem = cloneProblem(inputs[k], serialize);
      if (problem === undefined) keep.push(k);
      else this.#settleItem(batch, k, inputNotCloneable(batch.indexOf(k), 'remote', problem), undefined);
    }
    return batch.subset(batch.id, keep);
  }

  #send(batches: Batch[]): void {
    const jobs = batches.map((batch) => {
      this.#out.set(batch.id, batch);
      batch.sentAt = now();
      if (this.#itemMs !== undefined) batch.inFlight = this.#out.size;
      this.#startTimers(batch);
      const data: JobData = {
        run: this.#run,
        path: this.#identity.path,
        hash: this.#identity.hash,
        export: this.#options.exportName,
        inputs: encodeInputs(batch.inputs),
        count: batch.inputs.length,
        index: indexField(batch),
      };
      if (this.#taskOptions !== undefined) data.options = this.#taskOptions;
      if (batch.requests) {
        const timeout = batch.requests[0]?.timeout;
        if (timeout !== undefined && batch.requests.every((request) => request.timeout === timeout)) {
          data.timeout = timeout;
          batch.timed = true;
        }
        const alone: number[] = [];
        batch.requests.forEach((request, k) => {
          if (request.signal !== undefined || (request.timeout !== undefined && !batch.timed)) alone.push(k);
        });
        if (alone.length > 0) data.alone = alone;
      }
      return { name: 'fanout', data, opts: { jobId: batch.id, removeOnComplete: true, removeOnFail: false } };
    });
    this.#startClock();
    this.#readResults();
    this.#queue.addBulk(jobs).then(
      () => {
        for (const batch of batches) batch.added = true;
      },
      (error: unknown) => {
        this.#lastCause = error;
      },
    );
  }

  #startTimers(batch: Batch): void {
    if (!batch.requests) return;
    for (const request of batch.requests) {
      if (request.timeout === undefined || request.timer !== undefined) continue;
      request.timer = setTimeout(() => {
        this.#cancelRequest(request, `it timed out after ${request.timeout} ms`, true);
        this.#settleRequest(request, taskTimedOut(this.#label, request.index, request.timeout), undefined);
      }, request.timeout);
    }
  }

  /** A request given up on while its job is out: its task on the worker is aborted too. */
  #cancelRequest(request: TaskRequest, why: string, timeout = false): void {
    const batch = request.holder as Batch | null;
    if (!batch || request.state === SETTLED || this.#out.get(batch.id) !== batch) return;
    // A time-out the job carries is the worker's own to run: its task sees a TimeoutError, as anywhere.
    if (timeout && batch.timed) return;
    this.#cancelRemote(batch, [batch.requests!.indexOf(request)], why, timeout);
  }

  // ── results ───────────────────────────────────────────────────────────────────────────────

  /** One reader loop while anything is out: BLMPOP on the run's list. */
  #readResults(): void {
    if (this.#reading) return;
    this.#reading = true;
    void (async () => {
      while (this.#out.size > 0 && !this.#broken) {
        let reply: [Buffer, Buffer[]] | null;
        try {
          reply = (await this.#reader.blmpopBuffer(
            READ_BLOCK_S,
            1,
            this.#resultsKey,
            'LEFT',
            'COUNT',
            READ_COUNT,
          )) as [Buffer, Buffer[]] | null;
        } catch (error) {
          this.#lastCause = error;
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        if (reply) for (const buffer of reply[1]) this.#onRecord(buffer);
      }
      this.#reading = false;
      // A batch sent between the loop's last look and its end needs a reader.
      if (this.#out.size > 0 && !this.#broken) this.#readResults();
    })();
  }

  #onRecord(buffer: Buffer): void {
    let record: ResultRecord;
    try {
      record = decodeRecord(buffer);
    } catch {
      return; // not a record of ours: nothing to settle
    }
    const batch = this.#out.get(record.job);
    if (!batch) return; // a late duplicate, or a job given up on
    if (record.refused) {
      for (let k = 0; k < batch.inputs.length; k++) {
        const error = moduleMismatch(
          this.#label,
          batch.indexOf(k),
          record.worker,
          record.refused,
          this.#identity,
        );
        this.#settleItem(batch, k, error, undefined);
      }
      this.#afterBatch();
      return;
    }
    if (!record.partial) {
      this.#slots = record.slots ?? 1;
      this.#itemMs = nextItemMs(this.#itemMs, record.busyMs, batch.inputs.length);
      this.#sample(batch, record);
    }
    let workerId = this.#workerIds.get(record.worker);
    if (workerId === undefined) {
      workerId = this.#workerIds.size + 1;
      this.#workerIds.set(record.worker, workerId);
    }
    let e = 0;
    const positions = record.at ?? batch.inputs.keys();
    for (const k of positions) {
      const failure = record.errors[e];
      const index = batch.indexOf(k);
      if (batch.isOpen(k)) this.#timeline?.push({ workerId, index, start: record.start, end: record.end });
      if (failure !== undefined && failure[0] === k) {
        e++;
        this.#settleItem(batch, k, this.#remoteError(index, record.worker, failure[1]), undefined);
      } else {
        this.#settleItem(batch, k, undefined, record.values[k]);
      }
    }
    this.#afterBatch();
  }

  /**
   * Under `adaptive`, a job that came back is one sample: from its send to its last result, with the
   * jobs out when it was sent. Jobs are sized to about the same work (sizing.ts), so a latency that
   * grows is jobs waiting in the queue for a worker: the window is wider than the workers take.
   * Probe jobs (one input, sent before any job was timed) are no sample: their size is not the others'.
   */
  #sample(batch: Batch, record: ResultRecord): void {
    if (!this.adaptive || batch.inFlight === 0) return;
    const failedMost = record.errors.length * 2 > batch.inputs.length;
    this.#limit = this.adaptive.sample({
      start: batch.sentAt,
      end: now(),
      inFlight: batch.inFlight,
      outcome: failedMost ? 'error' : 'ok',
    });
  }

  /** A worker's error, named for this input: a task's own error reads as under every strategy. */
  #remoteError(index: number, worker: string, data: SerializedError): Error {
    if (data.name === 'TaskError' && data.cause)
      return taskFailed(this.#label, index, deserializeError(data.cause));
    // Our own wording names the worker's place in the job: say this input's index instead.
    const message = `${data.message.replace(/input \d+/, `input ${index}`)} (on worker ${worker})`;
    const cause = data.cause ? deserializeError(data.cause) : undefined;
    if (data.name === 'CloneError') return new CloneError(message, index);
    // The job's time-out, run by the worker's executor, whose word came back before the producer's own timer fired.
    if (data.name === 'TimeoutError') return new TimeoutError(message, index);
    if (data.name === 'SetupError') return new SetupError(message, cause);
    if (data.name === 'TaskLoadError') return new TaskLoadError(message, cause);
    if (data.name === 'WorkerDiedError') return new WorkerDiedError(message, index, cause);
    return remoteFailed(this.#label, index, worker, deserializeError(data));
  }

  #settleItem(batch: Batch, k: number, error: Error | undefined, value: unknown): void {
    if (batch.requests) {
      this.#settleRequest(batch.requests[k]!, error, value);
      return;
    }
    const run = batch.map!;
    const index = batch.indexOf(k);
    if (run.settled[index] !== 0) return;
    run.settled[index] = 1;
    batch.open--;
    if (batch.open === 0) this.#out.delete(batch.id);
    if (!run.cancelled) run.onItem(index, error, value);
  }

  #settleRequest(request: TaskRequest, error: Error | undefined, value: unknown): void {
    if (request.state === SETTLED) return;
    request.state = SETTLED;
    if (request.timer !== undefined) clearTimeout(request.timer);
    if (request.onAbort) request.signal!.removeEventListener('abort', request.onAbort);
    const batch = request.holder as Batch | null;
    if (batch && --batch.open === 0) this.#out.delete(batch.id);
    request.done(request, error, value);
    this.#afterBatch();
  }

  #afterBatch(): void {
    this.#schedulePump();
  }

  // ── reconciliation, presence, health ─────────────────────────────────────────────────────────

  #startClock(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), RECONCILE_MS);
  }

  #tick(): void {
    if (this.#out.size === 0) return;
    const elapsed = (since: number): number => Math.round(now() - since);
    if (this.#redis.status !== 'ready') {
      this.#downSince ??= now();
      if (elapsed(this.#downSince) >= this.#options.redisDownTimeout) {
        this.#break(redisDown(this.#where, elapsed(this.#downSince), this.#lastCause));
      }
      return;
    }
    this.#downSince = undefined;
    if (this.#reconciling) return;
    this.#reconciling = true;
    this.#reconcile()
      .catch((error: unknown) => {
        this.#lastCause = error;
      })
      .finally(() => {
        this.#reconciling = false;
      });
  }

  async #reconcile(): Promise<void> {
    const workers = await this.#queue.getWorkersCount().catch(() => undefined);
    if (workers === 0) {
      this.#noWorkerSince ??= now();
      const waited = Math.round(now() - this.#noWorkerSince);
      if (waited >= this.#options.noWorkerTimeout) {
        this.#break(noWorkers(this.#options.queue, this.#where, waited, await this.#otherModules()));
        return;
      }
    } else {
      this.#noWorkerSince = undefined;
    }
    const due = [...this.#out.values()].filter(
      (batch) => batch.added && now() - batch.sentAt >= RECONCILE_MS,
    );
    if (due.length === 0) return;
    const states = await Promise.all(due.map((batch) => this.#queue.getJobState(batch.id)));
    // A job that is gone pushed its results before it went: read them before judging it lost.
    await this.#drain();
    const resend: Batch[] = [];
    for (let i = 0; i < due.length; i++) {
      const batch = due[i]!;
      if (this.#out.get(batch.id) !== batch) continue;
      const state = states[i];
      if (state === 'failed') await this.#onFailed(batch);
      else if (state === 'unknown') resend.push(batch);
    }
    // Redis lost them (a restart without persistence): send the same jobs again.
    for (const batch of resend) batch.added = false;
    if (resend.length > 0) this.#resend(resend);
  }

  /** How many workers listen on the base queue with a module other than this run's, if Redis can say. */
  async #otherModules(): Promise<{ count: number; path: string } | undefined> {
    try {
      const list = String(await this.#redis.client('LIST'));
      const mine = this.#identity.hash.slice(0, 16);
      const count = listeningHashes(list, this.#options.queue).filter((hash) => hash !== mine).length;
      return { count, path: this.#identity.path };
    } catch {
      return undefined; // CLIENT LIST refused (some managed Redis): the plain message
    }
  }

  /** Reads what the results list holds now, without blocking. */
  async #drain(): Promise<void> {
    for (;;) {
      const buffers = (await this.#redis.lpopBuffer(this.#resultsKey, READ_COUNT)) as Buffer[] | null;
      if (!buffers || buffers.length === 0) return;
      for (const buffer of buffers) this.#onRecord(buffer);
      if (buffers.length < READ_COUNT) return;
    }
  }

  #resend(batches: Batch[]): void {
    for (const batch of batches) this.#out.delete(batch.id);
    const fresh = batches.map((batch) => batch.again(this.#nextId()));
    for (const batch of fresh) if (batch.open > 0) this.#out.set(batch.id, batch);
    this.#send(fresh.filter((batch) => batch.open > 0));
  }

  /** The job lost its worker more often than allowed: split it, or fail its one input. */
  async #onFailed(batch: Batch): Promise<void> {
    const job = await this.#queue.getJob(batch.id);
    const reason = job?.failedReason || 'it failed';
    // Each run that lost its worker counted one stall; the last one failed the job.
    const attempts = job?.stalledCounter || MAX_STALLS + 1;
    await this.#queue.remove(batch.id).catch(() => undefined);
    if (this.#out.get(batch.id) !== batch) return;
    this.#out.delete(batch.id);
    const open: number[] = [];
    for (let k = 0; k < batch.inputs.length; k++) if (batch.isOpen(k)) open.push(k);
    if (!job?.stalledCounter) {
      // Not a lost worker: the worker's processor itself failed (a job it could not read, say).
      const cause = new Error(reason);
      for (const k of open) {
        this.#settleItem(
          batch,
          k,
          remoteFailed(this.#label, batch.indexOf(k), job?.processedBy ?? 'unknown', cause),
          undefined,
        );
      }
      return;
    }
    if (batch.alone || open.length === 1) {
      for (const k of open) {
        this.#settleItem(
          batch,
          k,
          inputKilledWorkers(this.#label, batch.indexOf(k), attempts, reason),
          undefined,
        );
      }
      return;
    }
    for (const k of open) this.#singles.push(batch.subset('', [k], true));
    this.#schedulePump();
  }

  /** Redis or the workers are gone for good: every input out or waiting fails with that one error. */
  #break(error: Error): void {
    if (this.#broken) return;
    this.#broken = error;
    for (const batch of [...this.#out.values()]) {
      for (let k = 0; k < batch.inputs.length; k++)
        if (batch.isOpen(k)) this.#settleItem(batch, k, error, undefined);
    }
    this.#out.clear();
    for (const single of this.#singles.splice(0))
      if (single.isOpen(0)) this.#settleItem(single, 0, error, undefined);
    for (const request of this.#requests.drain()) this.#settleRequest(request, error, undefined);
    for (const run of this.#maps.splice(0)) {
      for (let i = run.next; i < run.inputs.length; i++) {
        if (run.settled[i] === 0 && !run.cancelled) run.onItem(i, error, undefined);
        run.settled[i] = 1;
      }
    }
    this.#checkIdle();
  }

  #cancelMap(run: MapRun): void {
    if (run.cancelled) return;
    run.cancelled = true;
    for (const batch of [...this.#out.values()]) {
      if (batch.map !== run) continue;
      this.#out.delete(batch.id);
      this.#cancelRemote(batch, undefined, "its call's signal was aborted");
      if (batch.added) void this.#queue.remove(batch.id).catch(() => undefined);
    }
    this.#schedulePump();
  }

  // ── idleness ──────────────────────────────────────────────────────────────────────────────

  #checkIdle(): void {
    const idle =
      this.#out.size === 0 &&
      this.#requests.length === 0 &&
      this.#maps.length === 0 &&
      this.#singles.length === 0;
    if (!idle) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}

/** A job's `index`: its first input's index when they follow on (most jobs), else each one. */
function indexField(batch: Batch): number | number[] {
  const indices = batch.inputs.map((_, k) => batch.indexOf(k));
  const first = indices[0] ?? 0;
  return indices.every((index, k) => index === first + k) ? first : indices;
}

/** Lets the program end although the connection is open. */
function unref(redis: Redis): void {
  (redis as unknown as { stream?: { unref?: () => void } }).stream?.unref?.();
}

export function createDistributed(options: ResolvedOptions): Strategy {
  return new DistributedStrategy(options);
}
