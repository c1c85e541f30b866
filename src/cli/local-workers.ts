/**
 * `fanout worker` processes started by this CLI on this machine (what `fanout demo --redis` measures
 * distributed with): each a child process of ours, told apart by its pid, stopped with SIGTERM (then
 * SIGKILL) when done, and killed if this process ends first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { CliError } from './errors.js';

/** How long a worker may take to say it is taking jobs. */
const READY_LIMIT_MS = 30_000;
/** How long a worker may take to drain and exit after SIGTERM before it is killed. */
const STOP_LIMIT_MS = 5_000;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `count` `fanout worker <task>` processes on `queue`; resolves, once all take jobs, with their stop. */
export async function startLocalWorkers(
  task: string,
  redis: string,
  queue: string,
  count: number,
  flags: string[] = [],
): Promise<() => Promise<void>> {
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
  };
  try {
    for (let i = 0; i < count; i++) children.push(await startOne(task, redis, queue, flags));
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

function startOne(task: string, redis: string, queue: string, flags: string[]): Promise<ChildProcess> {
  const main = process.argv[1]!;
  const child = spawn(
    process.execPath,
    [main, 'worker', task, '--redis', redis, '--queue', queue, ...flags],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let said = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      const last = said.trim().split('\n').at(-1) ?? '';
      reject(new CliError(`--redis: a local fanout worker ${why}${last ? `: ${last}` : ''}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${READY_LIMIT_MS} ms`), READY_LIMIT_MS);
    child.stderr!.setEncoding('utf8');
    const look = (text: string): void => {
      said += text;
      if (!said.includes('taking jobs')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(child);
    };
    const onExit = (code: number | null): void => fail(`exited (${code}) before it took jobs`);
    child.stderr!.on('data', look);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
  await exited;
  clearTimeout(timer);
}
