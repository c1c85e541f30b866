import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The files a worker starts from: the child process's and the worker thread's. */
export type WorkerEntryName = 'process-entry' | 'thread-entry';

/** The joined copy of an entry that scripts/join-worker-entries.mjs writes beside it. */
export const joinedPath = (plain: string): string => plain.replace(/\.js$/, '.joined.js');

/**
 * The joined copy of `plain` when it is there and not older than `plain`, else `plain` itself. A
 * joined copy loads as one file instead of 14, which saves a child process 12–15 ms of CPU at its start
 * (docs/performance.md); one older than the entry was left by an earlier build (a `tsc` run alone
 * rewrites the entry, not the copy), so it may run code the sources no longer have.
 * Equal times pass: npm packs every file with one date.
 */
export function pickEntry(plain: string): string {
  const joined = joinedPath(plain);
  try {
    return statSync(joined).mtimeMs >= statSync(plain).mtimeMs ? joined : plain;
  } catch {
    return plain; // no joined copy (a build without the join step, or tsx running the sources)
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
