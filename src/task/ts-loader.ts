/**
 * TypeScript task modules, through tsx. tsx transforms with esbuild, which runs as a service child
 * process spawned from Node's module-hooks thread. When a worker thread ends, its hooks thread ends
 * without reaping that child: a zombie `esbuild` per worker, forever in a long-lived program. So a
 * small hooks module of ours (ts-loader-hooks.ts) is registered first, and `releaseTsLoader` asks it
 * to stop the service and reap it before the worker ends.
 */
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

/** How long the hooks thread may take to stop esbuild before the worker ends anyway. */
export const LOADER_RELEASE_TIMEOUT_MS = 2000;

let hooksPort: MessagePort | undefined;

function registerHooks(): MessagePort {
  const { port1, port2 } = new MessageChannel();
  const tsxUrl = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  register(new URL('./ts-loader-hooks.js', import.meta.url), {
    data: { port: port2, tsxUrl },
    transferList: [port2],
  });
  port1.unref();
  return port1;
}

export async function importTs(url: string): Promise<Record<string, unknown>> {
  hooksPort ??= registerHooks();
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}

/** Stops esbuild's service, if a TypeScript task started it here, and waits (bounded) until it is reaped. */
export async function releaseTsLoader(): Promise<void> {
  const port = hooksPort;
  if (!port) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, LOADER_RELEASE_TIMEOUT_MS);
    port.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    port.postMessage('release');
  });
}
