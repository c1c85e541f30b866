/**
 * What the contract suite shares: the fixtures, a temp dir per test, a file-based rendezvous with
 * tasks (no sleeps), and the checks for leaked threads and processes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test as nodeTest, type TestContext, type TestOptions } from 'node:test';
import { type AdaptiveConcurrency, parseAdaptive } from '../../src/core/options.js';
import {
  createExecutor,
  type Executor,
  type ExecutorOptions,
  LOCAL_STRATEGIES,
  type StrategyName,
} from '../../src/index.js';
import { type Cluster, redisMissing, startCluster, type WorkerOptions } from '../support/distributed.js';

/**
 * Tasks in flight per worker under `threads` and `processes`. The files under in-flight/ set it above
 * 1 and run the suite again: the same promises, for the hybrid model.
 */
const IN_FLIGHT_SETTING = process.env.FANOUT_CONTRACT_IN_FLIGHT ?? '1';
/**
 * `adaptive:MIN-MAX` runs the suite with the tasks in flight per worker moving within those bounds
 * (the files under in-flight-adaptive/): IN_FLIGHT is then MAX, the most a worker runs at once.
 */
const IN_FLIGHT_ADAPTIVE = parseAdaptive(IN_FLIGHT_SETTING, 'FANOUT_CONTRACT_IN_FLIGHT');
export const IN_FLIGHT = IN_FLIGHT_ADAPTIVE?.max ?? Number(IN_FLIGHT_SETTING);
/** The `inFlight` option the suite gives threads and processes. */
const IN_FLIGHT_OPTION = IN_FLIGHT_ADAPTIVE ? (IN_FLIGHT_SETTING as AdaptiveConcurrency) : IN_FLIGHT;

/**
 * Set by the files under distributed/: the suite runs again against `distributed` alone, with a
 * loopback redis-server of its own and two `fanout worker` processes per task module.
 */
export const DISTRIBUTED = process.env.FANOUT_CONTRACT_DISTRIBUTED === '1';

/** The strategies the suite runs: the local four, or the two with workers when tasks in flight per worker are on. */
export const STRATEGIES: readonly StrategyName[] =
  IN_FLIGHT > 1 ? LOCAL_STRATEGIES.filter((strategy) => isPooled(strategy)) : LOCAL_STRATEGIES;

let cluster: Cluster | undefined;

/**
 * The strategies a contract file runs, given the task modules its tests use: STRATEGIES, or, in the
 * distributed run, `distributed` with a redis-server of its own and `workersPerTask` `fanout worker`
 * processes per module in `tasks` (a worker serves one module; started before the file's tests,
 * stopped after). Without redis-server installed, one skipped test that says why.
 */
export function withDistributed(
  tasks: URL[],
  workersPerTask = 2,
  workerOptions: WorkerOptions = {},
): StrategyName[] {
  if (!DISTRIBUTED) return [...STRATEGIES];
  const missing = redisMissing();
  if (missing) {
    nodeTest('distributed', { skip: `distributed not run: ${missing}` }, () => {});
    return [];
  }
  before(async () => {
    cluster = await startCluster();
    for (const task of tasks) await cluster.serve(task, workersPerTask, workerOptions);
  });
  after(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  return ['distributed'];
}

/** `reason` (prefixed `distributed: `) when `strategy` is distributed: a case that cannot hold there. */
export function notRemote(strategy: StrategyName, reason: string): string | undefined {
  return strategy === 'distributed' ? `distributed: ${reason}` : undefined;
}

/** The pids of the distributed run's own helpers (its redis-server and `fanout worker`s): not leaks. */
export function clusterPids(): Set<number> {
  const pids = new Set<number>();
  if (!cluster) return pids;
  for (const worker of cluster.workers) pids.add(worker.pid);
  if (cluster.redis.pid !== undefined) pids.add(cluster.redis.pid);
  return pids;
}

/** The concurrency the suite uses: small, so it stays fast on two busy cores. */
export const CONCURRENCY = 2;
/** How long a test waits for a task to reach a point before it fails (a guard, never a sleep). */
export const WAIT_LIMIT_MS = 15_000;
/** A per-test guard, so an engine that hangs fails the test instead of the whole run. */
export const TEST_LIMIT_MS = 60_000;

type Body = (t: TestContext) => void | Promise<void>;

/**
 * node:test's `test`, with TEST_LIMIT_MS per test. (A `describe` time limit would cover all its
 * tests together, which a busy machine can exceed without anything being wrong.)
 */
export function test(name: string, optionsOrBody: TestOptions | Body, maybeBody?: Body): void {
  const [options, body] =
    typeof optionsOrBody === 'function' ? [{}, optionsOrBody] : [optionsOrBody, maybeBody as Body];
  void nodeTest(name, { timeout: TEST_LIMIT_MS, ...options }, body);
}

export function fixture(name: string): URL {
  return new URL(`../../../test/fixtures/contract/${name}`, import.meta.url);
}

/** Workers in their own thread or process: the only strategies where a worker can die and be replaced. */
export function isPooled(strategy: StrategyName): boolean {
  return strategy === 'threads' || strategy === 'processes';
}

/** Every strategy runs at CONCURRENCY, except `sequential`, which is always 1. */
export function concurrencyOf(strategy: StrategyName): number {
  return strategy === 'sequential' ? 1 : CONCURRENCY;
}

export function make<I = unknown, O = unknown>(
  strategy: StrategyName,
  task: URL,
  options: Partial<ExecutorOptions> = {},
): Executor<I, O> {
  const inFlight = IN_FLIGHT > 1 && isPooled(strategy) ? { inFlight: IN_FLIGHT_OPTION } : {};
  const remote = strategy === 'distributed' ? distributedOptions(task) : {};
  return createExecutor<I, O>({
    task,
    strategy,
    concurrency: concurrencyOf(strategy),
    ...inFlight,
    ...remote,
    ...options,
  });
}

/** The options that send `task`'s work to the file's workers under `distributed`; none under the others. */
export function remoteOptions(strategy: StrategyName, task: URL): Partial<ExecutorOptions> {
  return strategy === 'distributed' ? distributedOptions(task) : {};
}

function distributedOptions(task: URL): Partial<ExecutorOptions> {
  if (!cluster) throw new Error('distributed: the file must call withDistributed([...its task modules])');
  return cluster.optionsFor(task);
}

/** Runs `body` with a fresh executor and always closes it. */
export async function withExecutor<I = unknown, O = unknown, T = unknown>(
  strategy: StrategyName,
  task: URL,
  options: Partial<ExecutorOptions>,
  body: (executor: Executor<I, O>) => Promise<T>,
): Promise<T> {
  const executor = make<I, O>(strategy, task, options);
  try {
    return await body(executor);
  } finally {
    await executor.close();
  }
}

/** A temp dir removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-contract-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** How often `waitUntil` looks again. */
const POLL_MS = 25;

/** Resolves once `check` holds; rejects, naming `what`, after `limitMs`. For states no event announces. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  limitMs = WAIT_LIMIT_MS,
): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`gave up after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Resolves once `path` exists (fs.watch on its directory, no polling); rejects after WAIT_LIMIT_MS. */
export function waitForFile(path: string, limitMs = WAIT_LIMIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    if (existsSync(path)) return resolve();
    const watcher = watch(dirname(path));
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`${path} did not appear within ${limitMs} ms`)), limitMs);
    watcher.on('change', () => {
      if (existsSync(path)) finish();
    });
    if (existsSync(path)) finish();
  });
}

/** The lines of a log file, or [] when it does not exist. */
export function readLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

/** How many times each line occurs. */
export function countLines(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

/** The pids of this process's live children, read from /proc. */
function isEsbuildService(pid: string): boolean {
  try {
    return /esbuild/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

export function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited while we looked
    }
    // Fields after the command name (which may hold spaces): state, ppid, …
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) !== process.pid || state === 'Z') continue;
    if (clusterPids().has(Number(entry))) continue;
    // tsx compiles a .ts task through esbuild's service process, which tsx starts once, unref'd, and
    // which ends with this process: it is not a worker of fanout's.
    if (isEsbuildService(entry)) continue;
    pids.push(Number(entry));
  }
  return pids;
}

/** The OS threads of this process (the main thread, V8's and libuv's helpers, and one per Worker). */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A sync generator of 0 … count-1 that counts how many values were read from it. */
export function countingRange(count: number): { inputs: Generator<number>; reads: () => number } {
  let reads = 0;
  function* inputs(): Generator<number> {
    for (let i = 0; i < count; i++) {
      reads++;
      yield i;
    }
  }
  return { inputs: inputs(), reads: () => reads };
}

/** The async twin of countingRange. */
export function countingAsyncRange(count: number): { inputs: AsyncGenerator<number>; reads: () => number } {
  let reads = 0;
  async function* inputs(): AsyncGenerator<number> {
    for (let i = 0; i < count; i++) {
      reads++;
      yield i;
    }
  }
  return { inputs: inputs(), reads: () => reads };
}

/** 0 … count-1. */
export function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
