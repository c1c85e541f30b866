/**
 * TypeScript task modules. Where the running Node strips types itself (22.18 and 23.6 on by default,
 * 22.6 with --experimental-strip-types), a `.ts` task is imported as it is, on the main thread, in
 * worker threads (which inherit the flag) and in child processes alike. Elsewhere (Node 20), or for
 * syntax that stripping cannot erase (enums, namespaces), it goes through tsx, an optional dependency:
 * only users with `.ts` tasks on such a Node need it, and when it is missing the task fails to load
 * with one line saying to install it.
 *
 * tsx transforms with esbuild, which runs as a service child process spawned from Node's module-hooks
 * thread. When a worker thread ends, its hooks thread ends without reaping that child: a zombie
 * `esbuild` per worker, forever in a long-lived program. So a small hooks module of ours
 * (ts-loader-hooks.ts) is registered first, and `releaseTsLoader` asks it to stop the service and reap
 * it before the worker ends.
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { TaskLoadError } from '../core/errors.js';

/** How long the hooks thread may take to stop esbuild before the worker ends anyway. */
export const LOADER_RELEASE_TIMEOUT_MS = 2000;

let hooksPort: MessagePort | undefined;

/** The flag that turns type stripping on in Node 22.6 to 22.17 (and 23.0 to 23.5). */
const STRIP_TYPES_FLAG = '--experimental-strip-types';
/** Node's error for TypeScript that stripping alone cannot run (an enum, a namespace). */
const UNSUPPORTED_SYNTAX = 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX';

/** Whether the running Node strips TypeScript types itself. */
export function nodeStripsTypes(): boolean {
  // 'strip' or 'transform' from 22.10 on; false where it is off (`--no-experimental-strip-types`).
  const feature = (process.features as { typescript?: unknown }).typescript;
  if (feature !== undefined) return feature !== false;
  // 22.6 to 22.9 took the flag before process.features reported it.
  const options = process.env.NODE_OPTIONS ?? '';
  return process.execArgv.includes(STRIP_TYPES_FLAG) || options.split(/\s+/).includes(STRIP_TYPES_FLAG);
}

let tsxPath: string | null | undefined;

/** Where tsx is installed, as seen from fanout, or undefined when it is not. */
export function findTsx(): string | undefined {
  if (tsxPath === undefined) {
    try {
      tsxPath = createRequire(import.meta.url).resolve('tsx');
    } catch {
      tsxPath = null;
    }
  }
  return tsxPath ?? undefined;
}

/** The one line for a `.ts` task that needs tsx where it is not installed. */
export function tsxMissing(label: string, why: string): TaskLoadError {
  return new TaskLoadError(
    `task module ${label} is TypeScript and ${why}: fanout loads it with tsx, which is not installed; run \`npm install tsx\``,
  );
}

function registerHooks(tsx: string): MessagePort {
  const { port1, port2 } = new MessageChannel();
  register(new URL('./ts-loader-hooks.js', import.meta.url), {
    data: { port: port2, tsxUrl: pathToFileURL(tsx).href },
    transferList: [port2],
  });
  port1.unref();
  return port1;
}

/**
 * The package.json that makes a `.ts` file CommonJS to Node (`"type": "commonjs"`, as `npm init` now
 * writes), or undefined. Node reads the nearest package.json only, as this does.
 */
export function commonJsPackage(file: string): string | undefined {
  if (!file.endsWith('.ts')) return undefined;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      try {
        return (JSON.parse(readFileSync(path, 'utf8')) as { type?: unknown }).type === 'commonjs'
          ? path
          : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Failures of Node's own loading after which tsx may succeed, and before which none of the module ran
 * (they happen while it is parsed and linked): syntax stripping cannot erase, a type imported without
 * `import type`, a relative import that names `.js` for a `.ts` file.
 */
function tsxMaySucceed(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return code === UNSUPPORTED_SYNTAX || code === 'ERR_MODULE_NOT_FOUND' || name === 'SyntaxError';
}

/** Imports a `.ts` module: by Node itself where it strips types, else (or where stripping cannot) by tsx. */
export async function importTs(url: string, label: string): Promise<Record<string, unknown>> {
  const file = fileURLToPath(url);
  const commonJs = commonJsPackage(file);
  if (nodeStripsTypes()) {
    if (commonJs !== undefined && findTsx() === undefined) {
      throw tsxMissing(
        label,
        `${commonJs} says "type": "commonjs", so Node would load it as CommonJS, not as an ES module ` +
          '(rename it .mts, or set "type": "module")',
      );
    }
    // A CommonJS package goes to tsx at once: Node would warn on stderr before failing.
    if (commonJs === undefined) {
      try {
        return (await import(url)) as Record<string, unknown>;
      } catch (error) {
        if (!tsxMaySucceed(error)) throw error;
        if (findTsx() === undefined) {
          if ((error as { code?: unknown }).code !== UNSUPPORTED_SYNTAX) throw error;
          const what = error instanceof Error ? error.message : String(error);
          throw tsxMissing(label, `uses syntax Node's type stripping cannot run (${what})`);
        }
      }
    }
  }
  const tsx = findTsx();
  if (tsx === undefined)
    throw tsxMissing(label, `Node ${process.version} cannot strip types itself (22.18+ and 23.6+ can)`);
  hooksPort ??= registerHooks(tsx);
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
