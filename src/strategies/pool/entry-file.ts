import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files a worker starts from: the child process's and the worker thread's. */
export type WorkerEntryName = 'process-entry' | 'thread-entry';

/** The joined copy of an entry that scripts/join-worker-entries.mjs writes beside it. */
export const joinedPath = (plain: string): string => plain.replace(/\.js$/, '.joined.js');

/** The list of the modules a joined copy holds, `{ "modules": [...] }`, relative to its folder. */
export const modulesPath = (plain: string): string => plain.replace(/\.js$/, '.joined.json');

/**
 * The joined copy of `plain` when it is there and not older than `plain` or any module it joined
 * (listed beside it), else `plain` itself. A joined copy loads as one file instead of 14, which saves a
 * child process 12–15 ms of CPU at its start (docs/performance.md); one older than a module it holds
 * was left by an earlier build (a `tsc` run alone rewrites the modules, not the copy), so it may run
 * code the sources no longer have. Equal times pass: npm packs every file with one date.
 */
export function pickEntry(plain: string): string {
  const joined = joinedPath(plain);
  try {
    const { modules } = JSON.parse(readFileSync(modulesPath(plain), 'utf8')) as { modules: string[] };
    const dir = dirname(joined);
    const newest = Math.max(
      statSync(plain).mtimeMs,
      ...modules.map((module) => statSync(resolve(dir, module)).mtimeMs),
    );
    return statSync(joined).mtimeMs >= newest ? joined : plain;
  } catch {
    // No joined copy or no list of its modules (a build without the join step, or tsx running the
    // sources), or a module it lists is gone: it cannot be told fresh.
    return plain;
  }
}

const picked = new Map<WorkerEntryName, string>();

/** The path a worker of this kind starts from, looked up once per process. */
export function workerEntry(name: WorkerEntryName): string {
  let path = picked.get(name);
  if (path === undefined) {
    path = pickEntry(fileURLToPath(new URL(`./worker/${name}.js`, import.meta.url)));
    picked.set(name, path);
  }
  return path;
}
