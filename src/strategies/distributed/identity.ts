/** A task module's identity across machines: the path as given and a hash of its bytes. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TaskLoadError } from '../../core/errors.js';

export interface ModuleIdentity {
  /** The module as this side names it (a file path, or the URL when not a file). */
  path: string;
  /** SHA-256 of the module file's bytes, hex: only the entry file, not what it imports. */
  hash: string;
}

export function moduleIdentity(taskUrl: string): ModuleIdentity {
  const path = taskUrl.startsWith('file:') ? fileURLToPath(taskUrl) : taskUrl;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new TaskLoadError(`cannot read task module ${path} to hash it: ${(error as Error).message}`, error);
  }
  return { path, hash: createHash('sha256').update(bytes).digest('hex') };
}
