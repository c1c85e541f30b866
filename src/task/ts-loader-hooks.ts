/**
 * Runs in Node's module-hooks thread, beside tsx's own hooks (registered first, so it sees esbuild
 * start). It remembers the esbuild service children spawned in that thread and, when asked, stops the
 * service and waits for them to exit, so that this thread's event loop reaps them: a hooks thread that
 * ends with a child unreaped leaves a zombie behind. Imports nothing of fanout's: it is loaded by URL.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { MessagePort } from 'node:worker_threads';

/** How long a stopped esbuild service may take to exit before the thread goes on without it. */
const EXIT_TIMEOUT_MS = 1000;

export interface HooksData {
  port: MessagePort;
  /** Where tsx is, so that the esbuild it loaded is the one stopped. */
  tsxUrl: string;
}

export function initialize({ port, tsxUrl }: HooksData): void {
  const require = createRequire(import.meta.url);
  const children = new Set<ChildProcess>();
  const childProcess = require('node:child_process') as typeof import('node:child_process');
  const spawn = childProcess.spawn;
  childProcess.spawn = function (this: unknown, ...args: unknown[]): ChildProcess {
    const child = (spawn as (...a: unknown[]) => ChildProcess).apply(this, args);
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  } as typeof spawn;
  port.on('message', async () => {
    const esbuild = createRequire(tsxUrl)('esbuild') as { stop(): Promise<void> };
    await esbuild.stop();
    await Promise.all(
      [...children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(resolve, EXIT_TIMEOUT_MS);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    port.postMessage('released');
  });
  port.unref();
}
