import { availableParallelism } from 'node:os';
import { closest } from './closest.js';
import { describe, OptionError } from './errors.js';

export const STRATEGIES = ['sequential', 'async', 'threads', 'processes', 'distributed'] as const;
/** The strategies that run on this machine alone: what `compare` measures when not told otherwise. */
export const LOCAL_STRATEGIES = ['sequential', 'async', 'threads', 'processes'] as const;
export type StrategyName = (typeof STRATEGIES)[number];
/** A strategy, or `auto`: let the advisor measure the first inputs and pick one. */
export type StrategyChoice = StrategyName | 'auto';
/** Every value `strategy` accepts: what `fanout run --strategy` offers. */
export const STRATEGY_CHOICES: readonly StrategyChoice[] = [...STRATEGIES, 'auto'];
/** The executor's strategy when none is given (the library's `createExecutor`). */
export const DEFAULT_STRATEGY: StrategyChoice = 'threads';
/**
 * `fanout run`'s strategy when none is given: the advisor measures the first inputs and picks, so that
 * a task that mostly waits is not held to a few workers (docs/run.md gives what the sampling costs).
 */
export const DEFAULT_RUN_STRATEGY: StrategyChoice = 'auto';

/** Whether a name is one of the four strategies (not `auto`). */
export function isStrategyName(name: unknown): name is StrategyName {
  return typeof name === 'string' && (STRATEGIES as readonly string[]).includes(name);
}

/** Under `distributed`, `concurrency` is the number of jobs (batches of inputs) in flight at once. */
export const DEFAULT_DISTRIBUTED_JOBS = 16;

/** The default number of tasks in flight under `async`: finite, so a huge input never opens unbounded sockets. */
export const DEFAULT_ASYNC_CONCURRENCY = 64;

/** `concurrency: 'adaptive'`: the limit moves while the job runs, within MIN–MAX (docs/adaptive.md). */
export const ADAPTIVE = 'adaptive';
/** The bounds of `'adaptive'` without `:MIN-MAX`. */
export const DEFAULT_ADAPTIVE_MIN = 1;
export const DEFAULT_ADAPTIVE_MAX = 1000;
/**
 * Strategies whose `concurrency` can move while running (`distributed`: its jobs in flight); the pools
 * move their `inFlight` instead.
 */
export const ADAPTIVE_STRATEGIES: readonly StrategyName[] = ['async', 'distributed'];
/** Strategies whose tasks in flight per worker (`inFlight`) can move while running: the hybrid model. */
export const ADAPTIVE_IN_FLIGHT_STRATEGIES: readonly StrategyName[] = ['threads', 'processes'];
/** Where `inFlight: 'adaptive'` starts from (clamped to its bounds): async's default, so an isolated async run and a one-worker hybrid move alike. */
export const DEFAULT_ADAPTIVE_IN_FLIGHT = DEFAULT_ASYNC_CONCURRENCY;

/** `'adaptive'`, or `'adaptive:MIN-MAX'` with bounds of its own, e.g. `'adaptive:4-256'`. */
export type AdaptiveConcurrency = 'adaptive' | `adaptive:${number}-${number}`;

/** The bounds an adaptive limit stays within. */
export interface AdaptiveBounds {
  min: number;
  max: number;
}

export interface ExecutorOptions {
  /** The task module: a path (relative to the working directory), a `file:` URL string or a URL. */
  task: string | URL;
  /**
   * How to run the tasks.
   * @default 'threads'
   */
  strategy?: StrategyChoice;
  /**
   * Tasks in flight at once: workers for `threads` and `processes`, pending promises for `async`.
   * `sequential` is always 1. Under `async` (and `distributed`, for its jobs in flight), `'adaptive'`
   * (or `'adaptive:MIN-MAX'`) moves the limit
   * while the job runs, from the latency it measures: from 4, doubling towards 64 until a queue shows
   * (see docs/adaptive.md).
   * @default os.availableParallelism() for threads and processes, 64 for async
   * @example concurrency: 'adaptive:4-256'
   */
  concurrency?: number | AdaptiveConcurrency;
  /**
   * Tasks each worker runs at once on its own event loop, under `threads` and `processes`: the hybrid
   * model, for tasks that both wait and compute. `concurrency` stays the number of workers.
   * `'adaptive'` (or `'adaptive:MIN-MAX'`) moves it while the job runs, a limit per worker fed
   * by the latency of its own tasks (see docs/adaptive.md).
   * @default 1
   * @example inFlight: 'adaptive:2-128'
   */
  inFlight?: number | AdaptiveConcurrency;
  /**
   * Run `sequential` and `async` on one worker thread of their own instead of the calling thread, so
   * that a task that blocks, spins or crashes cannot stop the caller: time-outs fire, signals are
   * heard, a crash fails only the inputs it had in flight. `fanout run` sets it. Off by default:
   * measuring the plain loop on the caller's thread is the point of these two strategies.
   * @default false
   */
  isolate?: boolean;
  /**
   * The export to call.
   * @default 'default'
   */
  export?: string;
  /** A time-out per task, in ms, counted from the moment it is handed to a worker. Off by default. */
  timeout?: number;
  /**
   * Inputs per message for `map` over an array under `threads` and `processes`.
   * @default adaptive: sized from the measured task time so each message carries a few ms of work
   */
  chunkSize?: number;
  /** Record a timeline entry (worker, input index, start, end) per task. Off by default: it costs a little. */
  timeline?: boolean;
  /**
   * A memory limit per worker, in MiB (the V8 old-generation heap; "Mb" as in Node's own
   * `maxOldGenerationSizeMb`, which counts MiB). A worker that exceeds it dies and is replaced.
   */
  maxMemoryMb?: number;
  /** Any structured-cloneable value given to `setup` and to every task as `context.options`. */
  taskOptions?: unknown;
  /**
   * How long a worker's `setup` (with the module's loading) may take, in ms. Past it, the executor is
   * broken with a SetupError that says so, and every task fails with it.
   * @default 60_000
   */
  setupTimeout?: number;
  /**
   * How long `teardown` may take at `close()`, in ms. Past it, close goes on (a warning says so) and a
   * worker thread or process is stopped.
   * @default 10_000
   */
  teardownTimeout?: number;
  /**
   * `distributed` only, and required there: the Redis the `fanout worker` processes listen on, as a
   * URL (`redis://[user:password@]host:port[/db]`, or `rediss://` for TLS). See docs/distributed.md.
   */
  connection?: string;
  /**
   * `distributed` only: the BullMQ queue the workers take jobs from (`fanout worker --queue`).
   * @default 'fanout'
   */
  queue?: string;
  /**
   * `distributed` only: how long work may wait with no worker listening on the queue, in ms, before
   * every waiting input fails with a DistributedError that says so.
   * @default 30_000
   */
  noWorkerTimeout?: number;
  /**
   * `distributed` only: how long Redis may be unreachable, in ms, before every input in flight fails
   * with a DistributedError that says so. Shorter outages are waited out.
   * @default 30_000
   */
  redisDownTimeout?: number;
}

/** How long `distributed` waits for a worker to listen before failing the inputs. */
export const DEFAULT_NO_WORKER_TIMEOUT_MS = 30_000;
/** How long `distributed` waits out an unreachable Redis before failing the inputs. */
export const DEFAULT_REDIS_DOWN_TIMEOUT_MS = 30_000;

/** The queue `distributed` uses when none is named, and `fanout worker` listens on. */
export const DEFAULT_QUEUE = 'fanout';

/** A setup slower than this is taken for a hung one. */
export const DEFAULT_SETUP_TIMEOUT_MS = 60_000;
/** A teardown slower than this is taken for a hung one. */
export const DEFAULT_TEARDOWN_TIMEOUT_MS = 10_000;

/** Every option `createExecutor` knows: anything else is a typo, refused rather than ignored. */
const OPTION_NAMES = [
  'task',
  'strategy',
  'concurrency',
  'inFlight',
  'isolate',
  'export',
  'timeout',
  'chunkSize',
  'timeline',
  'maxMemoryMb',
  'taskOptions',
  'setupTimeout',
  'teardownTimeout',
  'connection',
  'queue',
  'noWorkerTimeout',
  'redisDownTimeout',
] as const satisfies readonly (keyof ExecutorOptions)[];

export interface ResolvedOptions {
  taskUrl: string;
  strategy: StrategyChoice;
  /** The limit of tasks in flight; under `adaptive`, the one it starts from. */
  concurrency: number;
  /** Tasks in flight per worker; under `inFlightAdaptive`, the limit it starts from. */
  inFlight: number;
  isolate: boolean;
  /** Set when the limit adapts: the bounds it stays within. */
  adaptive: AdaptiveBounds | undefined;
  /**
   * Under `adaptive`, the latency without a queue when it was measured beforehand (`auto`'s sample, in
   * ms): the limit then starts at `concurrency` at once instead of from a slow start. Not an option.
   */
  adaptiveFloorMs?: number;
  /** Set when the tasks in flight per worker adapt (threads, processes): the bounds they stay within. */
  inFlightAdaptive: AdaptiveBounds | undefined;
  exportName: string;
  timeout: number | undefined;
  chunkSize: number | undefined;
  timeline: boolean;
  maxMemoryMb: number | undefined;
  taskOptions: unknown;
  setupTimeout: number;
  teardownTimeout: number;
  /** `distributed`: the Redis URL (undefined under the other strategies). */
  connection: string | undefined;
  queue: string;
  noWorkerTimeout: number;
  redisDownTimeout: number;
}

export function defaultConcurrency(strategy: StrategyChoice): number {
  if (strategy === 'sequential') return 1;
  if (strategy === 'auto') return 0; // no cap on the advisor's search
  if (strategy === 'async') return DEFAULT_ASYNC_CONCURRENCY;
  if (strategy === 'distributed') return DEFAULT_DISTRIBUTED_JOBS;
  return availableParallelism();
}

export function expectPositiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new OptionError(`Expected \`${name}\` to be a positive integer, got \`${describe(value)}\``);
  }
  return value;
}

export function expectNonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new OptionError(`Expected \`${name}\` to be a non-negative integer, got \`${describe(value)}\``);
  }
  return value;
}

function expectPositiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OptionError(`Expected \`${name}\` to be a positive number of ms, got \`${describe(value)}\``);
  }
  return value;
}

/** The one check of a strategy name, for every caller: the executor, `fanout run`, the comparison. */
export function expectStrategy(value: unknown): StrategyChoice {
  if (value === 'auto' || isStrategyName(value)) return value;
  throw new OptionError(
    `Expected \`strategy\` to be one of ${STRATEGIES.join(', ')} or auto, got \`${describe(value)}\``,
  );
}

const ADAPTIVE_FORM = /^adaptive(?::(\d+)-(\d+))?$/;

/** `'adaptive'` → the default bounds, `'adaptive:4-256'` → 4–256; undefined for anything else. */
export function parseAdaptive(value: unknown, option = 'concurrency'): AdaptiveBounds | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ADAPTIVE_FORM.exec(value.trim());
  if (match === null) return undefined;
  if (match[1] === undefined) return { min: DEFAULT_ADAPTIVE_MIN, max: DEFAULT_ADAPTIVE_MAX };
  const min = Number(match[1]);
  const max = Number(match[2]);
  if (!Number.isSafeInteger(max) || min < 1 || min > max) {
    throw new OptionError(
      `Expected the bounds of \`${option}: '${value}'\` to be whole numbers with 1 ≤ MIN ≤ MAX`,
    );
  }
  return { min, max };
}

/** Why a strategy cannot adapt its limit (yet), in one line; undefined when it can. */
export function adaptiveRefusal(strategy: StrategyChoice): string | undefined {
  if ((ADAPTIVE_STRATEGIES as readonly string[]).includes(strategy)) return undefined;
  if (strategy === 'sequential') {
    return "`concurrency: 'adaptive'` needs tasks in flight to adapt, and sequential runs one at a time: use async";
  }
  if (strategy === 'auto') {
    return "`concurrency: 'adaptive'` is not yet available with strategy auto: use async, or a fixed concurrency";
  }
  if ((ADAPTIVE_IN_FLIGHT_STRATEGIES as readonly string[]).includes(strategy)) {
    return `\`concurrency: 'adaptive'\` is not available for ${strategy}, whose workers are fixed: use \`inFlight: 'adaptive'\` to move the tasks in flight per worker, or async`;
  }
  return `\`concurrency: 'adaptive'\` is not yet available for ${strategy}: use async, or a fixed concurrency`;
}

/** Tasks in flight per worker, fixed or `'adaptive[:MIN-MAX]'` (threads and processes only). */
function resolveInFlight(
  strategy: StrategyChoice,
  value: unknown,
): { inFlight: number; inFlightAdaptive: AdaptiveBounds | undefined } {
  const adaptive = parseAdaptive(value, 'inFlight');
  if (adaptive !== undefined) {
    if (!(ADAPTIVE_IN_FLIGHT_STRATEGIES as readonly string[]).includes(strategy)) {
      throw new OptionError(
        `\`inFlight: 'adaptive'\` moves the tasks in flight per worker of threads and processes, not ${strategy}${strategy === 'async' ? ": use `concurrency: 'adaptive'`" : ''}`,
      );
    }
    const start = Math.min(adaptive.max, Math.max(adaptive.min, DEFAULT_ADAPTIVE_IN_FLIGHT));
    return { inFlight: start, inFlightAdaptive: adaptive };
  }
  if (value === undefined) return { inFlight: 1, inFlightAdaptive: undefined };
  if (typeof value !== 'number' && (ADAPTIVE_IN_FLIGHT_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new OptionError(
      `Expected \`inFlight\` to be a positive integer, 'adaptive' or 'adaptive:MIN-MAX', got \`${describe(value)}\``,
    );
  }
  return { inFlight: expectPositiveInteger('inFlight', value), inFlightAdaptive: undefined };
}

/** The concurrency and, under `adaptive`, its bounds. */
function resolveConcurrency(
  strategy: StrategyChoice,
  value: unknown,
): { concurrency: number; adaptive: AdaptiveBounds | undefined } {
  const adaptive = parseAdaptive(value);
  if (adaptive !== undefined) {
    const refusal = adaptiveRefusal(strategy);
    if (refusal !== undefined) throw new OptionError(refusal);
    const start = Math.min(adaptive.max, Math.max(adaptive.min, defaultConcurrency(strategy)));
    return { concurrency: start, adaptive };
  }
  if (value === undefined) return { concurrency: defaultConcurrency(strategy), adaptive: undefined };
  if (typeof value !== 'number' && adaptiveRefusal(strategy) === undefined) {
    throw new OptionError(
      `Expected \`concurrency\` to be a positive integer, 'adaptive' or 'adaptive:MIN-MAX', got \`${describe(value)}\``,
    );
  }
  const concurrency = expectPositiveInteger('concurrency', value);
  if (strategy === 'sequential' && concurrency !== 1) {
    throw new OptionError(`Expected \`concurrency\` to be 1 under sequential, got \`${concurrency}\``);
  }
  return { concurrency, adaptive: undefined };
}

/** Turn a path, file URL string or URL into a file URL string. */
export function toTaskUrl(task: unknown): string {
  if (task instanceof URL) return task.href;
  if (typeof task !== 'string' || task === '') {
    throw new OptionError(`Expected \`task\` to be a module path or URL, got \`${describe(task)}\``);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(task) && !/^[a-z]:[\\/]/i.test(task)) return new URL(task).href;
  return new URL(task, `file://${process.cwd()}/`).href;
}

/** Validate once, at the door; everything after works on ResolvedOptions. */
export function resolveOptions(options: ExecutorOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new OptionError(`Expected options to be an object, got \`${describe(options)}\``);
  }
  for (const name of Object.keys(options)) {
    if ((OPTION_NAMES as readonly string[]).includes(name)) continue;
    const near = closest(name, OPTION_NAMES);
    throw new OptionError(
      `Unknown option \`${name}\`${near ? `: did you mean \`${near}\`?` : ''} (expected one of ${OPTION_NAMES.join(', ')})`,
    );
  }
  const strategy = expectStrategy(options.strategy ?? DEFAULT_STRATEGY);
  const { concurrency, adaptive } = resolveConcurrency(strategy, options.concurrency);
  const { inFlight, inFlightAdaptive } = resolveInFlight(strategy, options.inFlight);
  if (inFlight > 1 && (strategy === 'sequential' || strategy === 'async')) {
    throw new OptionError(
      `Expected \`inFlight\` to be 1 under ${strategy}, got \`${inFlight}\`: tasks in flight per worker apply to threads and processes${strategy === 'async' ? " (async's `concurrency` is its tasks in flight)" : ''}`,
    );
  }
  if (options.isolate !== undefined && typeof options.isolate !== 'boolean') {
    throw new OptionError(`Expected \`isolate\` to be a boolean, got \`${describe(options.isolate)}\``);
  }
  const { connection, queue } = expectRedis(strategy, options.connection, options.queue);
  const exportName = options.export ?? 'default';
  if (typeof exportName !== 'string' || exportName === '') {
    throw new OptionError(`Expected \`export\` to be an export name, got \`${describe(exportName)}\``);
  }
  return {
    taskUrl: toTaskUrl(options.task),
    strategy,
    concurrency,
    inFlight,
    isolate: options.isolate === true,
    adaptive,
    inFlightAdaptive,
    exportName,
    timeout: options.timeout === undefined ? undefined : expectPositiveNumber('timeout', options.timeout),
    chunkSize:
      options.chunkSize === undefined ? undefined : expectPositiveInteger('chunkSize', options.chunkSize),
    timeline: options.timeline === true,
    maxMemoryMb:
      options.maxMemoryMb === undefined
        ? undefined
        : expectPositiveInteger('maxMemoryMb', options.maxMemoryMb),
    taskOptions: options.taskOptions,
    setupTimeout:
      options.setupTimeout === undefined
        ? DEFAULT_SETUP_TIMEOUT_MS
        : expectPositiveNumber('setupTimeout', options.setupTimeout),
    teardownTimeout:
      options.teardownTimeout === undefined
        ? DEFAULT_TEARDOWN_TIMEOUT_MS
        : expectPositiveNumber('teardownTimeout', options.teardownTimeout),
    connection,
    queue,
    noWorkerTimeout:
      options.noWorkerTimeout === undefined
        ? DEFAULT_NO_WORKER_TIMEOUT_MS
        : expectPositiveNumber('noWorkerTimeout', options.noWorkerTimeout),
    redisDownTimeout:
      options.redisDownTimeout === undefined
        ? DEFAULT_REDIS_DOWN_TIMEOUT_MS
        : expectPositiveNumber('redisDownTimeout', options.redisDownTimeout),
  };
}

/** A BullMQ queue name: letters, digits and `._-` (a colon would cut into its Redis keys). */
const QUEUE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** `connection` and `queue`: required and checked under `distributed`, refused under the others. */
function expectRedis(
  strategy: StrategyChoice,
  connection: unknown,
  queue: unknown,
): { connection: string | undefined; queue: string } {
  if (strategy !== 'distributed') {
    if (connection !== undefined || queue !== undefined) {
      const name = connection !== undefined ? 'connection' : 'queue';
      throw new OptionError(
        `\`${name}\` is for \`strategy: 'distributed'\` only, got strategy \`${strategy}\``,
      );
    }
    return { connection: undefined, queue: DEFAULT_QUEUE };
  }
  if (connection === undefined) {
    throw new OptionError(
      "`strategy: 'distributed'` needs `connection`: the Redis URL its workers listen on (redis://host:port)",
    );
  }
  if (typeof connection !== 'string' || !/^rediss?:\/\/[^/]/.test(connection)) {
    throw new OptionError(
      `Expected \`connection\` to be a redis:// or rediss:// URL, got \`${describe(redactUrl(connection))}\``,
    );
  }
  try {
    new URL(connection);
  } catch {
    throw new OptionError(
      `Expected \`connection\` to be a valid URL, got \`${describe(redactUrl(connection))}\``,
    );
  }
  const name = queue ?? DEFAULT_QUEUE;
  if (typeof name !== 'string' || !QUEUE_NAME.test(name)) {
    throw new OptionError(
      `Expected \`queue\` to be 1 to 100 letters, digits, dots, dashes or underscores, got \`${describe(name)}\``,
    );
  }
  return { connection, queue: name };
}

/** A URL fit to print: its user and password replaced by `***`. Anything not a string is returned as is. */
export function redactUrl(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}
