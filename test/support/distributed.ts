/**
 * A `distributed` setup for tests and the bench: our own loopback redis-server and real `fanout worker`
 * child processes (the CLI from dist/), each started, watched and stopped by its pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type RedisServer, startRedis } from './redis-server.js';

export { redisMissing } from './redis-server.js';

/** The CLI, compiled: dist/src/cli/main.js (this file is dist/test/support/distributed.js). */
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** How long a worker may take to say it is taking jobs (generous: two cores may be busy with others). */
const READY_LIMIT_MS = 60_000;

/** Short lock and stall clocks, so that a killed worker's job is taken again within seconds. */
export const FAST_CLOCKS = ['--lock-ms', '3000', '--stall-check-ms', '500'];

export interface WorkerOptions {
  /** The local strategy (default async: light on two busy cores). */
  strategy?: 'threads' | 'processes' | 'async';
  concurrency?: number;
  /** More flags for `fanout worker`. */
  flags?: string[];
}

export interface RunningWorker {
  readonly child: ChildProcess;
  readonly pid: number;
  /** What it has printed on stderr so far. */
  stderr(): string;
  /** Resolves with its exit code (or signal) once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The queue a task's workers use: one per module, so tests of different modules never meet. */
export function queueFor(task: URL | string): string {
  const href = typeof task === 'string' ? task : task.href;
  return `t-${createHash('sha256').update(href).digest('hex').slice(0, 12)}`;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `fanout worker <task>` and resolves once it says it is taking jobs. */
export async function startWorker(
  redis: RedisServer | string,
  task: URL,
  queue: string,
  options: WorkerOptions = {},
): Promise<RunningWorker> {
  const url = typeof redis === 'string' ? redis : redis.url;
  const args = [
    CLI,
    'worker',
    fileURLToPath(task),
    '--redis',
    url,
    '--queue',
    queue,
    '--strategy',
    options.strategy ?? 'async',
    ...(options.concurrency === undefined ? [] : ['--concurrency', String(options.concurrency)]),
    ...(options.flags ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let text = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    text += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fanout worker did not start within ${READY_LIMIT_MS} ms: ${text}`)),
      READY_LIMIT_MS,
    );
    const look = (): void => {
      if (!text.includes('taking jobs')) return;
      clearTimeout(timer);
      child.stderr!.off('data', look);
      resolve();
    };
    child.stderr!.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`fanout worker exited (${code ?? signal}) before it was ready: ${text}`));
    });
  });
  return { child, pid: child.pid!, stderr: () => text, exited };
}

/** Sends `signal` to the worker and waits for its exit. */
export async function stopWorker(
  worker: RunningWorker,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  return worker.exited;
}

export interface Cluster {
  readonly redis: RedisServer;
  readonly url: string;
  readonly workers: RunningWorker[];
  /** The executor options that send a task's work to this cluster. */
  optionsFor(task: URL): { connection: string; queue: string };
  /** Starts `count` workers for `task` (on its own queue) unless it has them already. */
  serve(task: URL, count?: number, options?: WorkerOptions): Promise<RunningWorker[]>;
  /** Stops every worker (SIGTERM) and the redis-server. */
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const redis = await startRedis();
  const workers: RunningWorker[] = [];
  const served = new Map<string, Promise<RunningWorker[]>>();
  return {
    redis,
    url: redis.url,
    workers,
    optionsFor: (task) => ({ connection: redis.url, queue: queueFor(task) }),
    serve: (task, count = 2, options = {}) => {
      let started = served.get(task.href);
      if (!started) {
        // One at a time, each kept as soon as it runs, so that stop() ends every one even when a
        // later one fails to start.
        started = (async () => {
          const mine: RunningWorker[] = [];
          for (let i = 0; i < count; i++) {
            const worker = await startWorker(redis, task, queueFor(task), options);
            workers.push(worker);
            mine.push(worker);
          }
          return mine;
        })();
        served.set(task.href, started);
      }
      return started;
    },
    stop: async () => {
      await Promise.all(workers.map((worker) => stopWorker(worker, 'SIGKILL')));
      await redis.stop();
    },
  };
}
