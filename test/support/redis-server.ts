/**
 * A redis-server of our own for tests and the bench: Debian's binary, on a free port of 127.0.0.1
 * (never another host), with no persistence and `noeviction` (BullMQ's locks break under an evicting
 * policy). Stopped by its pid; it can be stopped and started again on the same port (the fault test).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Socket } from 'node:net';

export const REDIS_SERVER = '/usr/bin/redis-server';
/** How long redis-server may take to answer PING before the start counts as failed. */
const START_LIMIT_MS = 10_000;

/** Why the distributed tests cannot run here, or undefined when they can. */
export function redisMissing(): string | undefined {
  return existsSync(REDIS_SERVER)
    ? undefined
    : `${REDIS_SERVER} is not installed (apt-get install redis-server)`;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The running server's pid, or undefined while it is stopped. */
  readonly pid: number | undefined;
  /** SIGTERM, then wait for its exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Start it again on the same port, empty. */
  restart(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once a PING on the port is answered with PONG. */
async function waitForPong(port: number, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + START_LIMIT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} on start`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      let text = '';
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('error', () => done(false));
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('PONG')) done(true);
      });
      socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not answer on 127.0.0.1:${port} within ${START_LIMIT_MS} ms`);
}

function launch(port: number): ChildProcess {
  const child = spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--protected-mode',
      'yes',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  child.unref();
  return child;
}

const running = new Set<ChildProcess>();
// Whatever ends this process, its redis-servers end too.
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined) child.kill('SIGKILL');
});

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = launch(port);
    running.add(child);
    await waitForPong(port, child);
  };
  const stop = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGTERM');
    const timer = setTimeout(() => current.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    running.delete(current);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}
