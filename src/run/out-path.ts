/**
 * What an `--out` path is, and where it really lives. A symlinked output is resolved to its target, so
 * that its lock, its record of the inputs and the --resume rewrite all act on the one real file, whichever
 * name a run was given (a rewrite through the link would replace the link with a regular file and leave
 * the real target stale).
 */
import { fstatSync, lstatSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OptionError } from '../core/errors.js';

/** Links followed at most while resolving a dangling symlink (Linux's own limit, ELOOP past it). */
const MAX_SYMLINK_HOPS = 40;

/**
 * - `file`: a regular file (locked, resumable).
 * - `missing`: nothing there yet: the run creates a regular file.
 * - `fifo`: a named pipe: written once a reader opens it (see fifo.ts); never locked nor resumed.
 * - `device`: anything else that can be opened for writing (/dev/null, a terminal): written as is.
 */
export type OutKind = 'file' | 'missing' | 'fifo' | 'device';

export interface OutTarget {
  /** The path as the caller gave it, for messages. */
  given: string;
  /** The absolute path with every symlink resolved: what is locked, read and rewritten. */
  real: string;
  kind: OutKind;
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Where a path that does not exist yet would be created: through a dangling symlink, at its target. */
function resolveMissing(given: string): string {
  let path = resolve(given);
  for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch {
      break; // nothing there: the file itself will be created here
    }
    if (!isLink) break;
    path = resolve(dirname(path), readlinkSync(path));
  }
  let directory: string;
  try {
    directory = realpathSync(dirname(path));
  } catch {
    throw new OptionError(`cannot create --out ${given}: its directory ${dirname(path)} does not exist`);
  }
  return join(directory, basename(path));
}

export function resolveOut(given: string): OutTarget {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(given);
  } catch (error) {
    if (code(error) !== 'ENOENT')
      throw new OptionError(`cannot use --out ${given}: ${(error as Error).message}`);
    return { given, real: resolveMissing(given), kind: 'missing' };
  }
  if (stat.isDirectory()) throw new OptionError(`--out must be a file, got a directory: ${given}`);
  if (stat.isFile()) return { given, real: realpathSync(given), kind: 'file' };
  // Not resolved: /dev/stdout on a pipe links to "pipe:[…]", which is no path; these are opened as given.
  return { given, real: resolve(given), kind: stat.isFIFO() ? 'fifo' : 'device' };
}

/** The file stdin reads from, when inputs are `-`; anything else names a file. */
function statInputs(inputs: string): Stats {
  return inputs === '-' ? fstatSync(0) : statSync(inputs);
}

/**
 * Refuses an output that is the inputs file under another name (a symlink, `./x` for `x`, a hard link,
 * or the file stdin is redirected from): the run would write over what it reads. Same device and inode
 * is the same file, whatever the names.
 */
export function assertNotInputs(target: OutTarget, inputs: string | undefined): void {
  if (inputs === undefined || target.kind !== 'file') return;
  let out: Stats;
  let input: Stats;
  try {
    out = statSync(target.real);
    input = statInputs(inputs);
  } catch {
    return; // inputs that cannot be read are the reader's error to report
  }
  if (!input.isFile() || out.dev !== input.dev || out.ino !== input.ino) return;
  const what = inputs === '-' ? 'the file stdin reads from' : `the --inputs file ${inputs}`;
  throw new OptionError(`--out ${target.given} is ${what}: the results would overwrite the inputs`);
}
