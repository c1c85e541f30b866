/**
 * Replacing a file whole (the --resume rewrite, the inputs record): written to a temporary file beside
 * it, synced, then renamed over it, so the file is either as it was or as it is meant to be.
 *
 * The temporary file is `.<name>.fanout-tmp.<16 random hex digits>` in the target's own directory: a
 * name no one can guess ahead, created exclusively (O_EXCL: a symlink planted there is an error, never
 * followed), with the target's mode (and, for root, its owner). On any error it is removed and the
 * target is untouched; one a SIGKILL leaves behind is removed by the next run on that output (which holds
 * its lock, so no other run can be writing one).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, readdirSync, statSync, unlinkSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What marks fanout's temporary files: `.<target's name>` + this + random hex. */
export const TEMP_MARK = '.fanout-tmp.';
/** Random bytes in a temporary file's name (shown as twice as many hex digits). */
const TEMP_RANDOM_BYTES = 8;
/** The temporary name fanout used before this one (predictable), swept the same way. */
const LEGACY_TEMP = /^(.*)\.resume-\d+\.tmp$/;

/** The prefix of every temporary file fanout makes for `target`. */
export function tempPrefix(target: string): string {
  return `.${basename(target)}${TEMP_MARK}`;
}

/**
 * Removes temporary files a killed run left beside `target`; returns how many. Only for a caller that
 * holds the target's lock: no other run can be writing one.
 */
export function sweepTemps(target: string): number {
  const directory = dirname(target);
  const prefix = tempPrefix(target);
  const name = basename(target);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of names) {
    if (!entry.startsWith(prefix) && LEGACY_TEMP.exec(entry)?.[1] !== name) continue;
    try {
      unlinkSync(join(directory, entry));
      removed++;
    } catch {
      // Gone already, or not ours to remove: left as it is.
    }
  }
  return removed;
}

/** Writes all of `bytes` (a write may take fewer than asked). */
export async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/** Makes the rename itself durable (where the file system can sync a directory). */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(directory, 'r');
    await handle.sync();
  } catch {
    // Not every file system syncs directories (EINVAL): the rename is atomic all the same.
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `target` with what `write` writes to a new file: nothing of the target changes unless every
 * byte was written and synced. Rejects with the cause (ENOSPC, EIO…) after removing the temporary file.
 */
export async function replaceFile(target: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
  let mode = 0o666; // as open(2) makes a new file: the umask applies
  let owner: { uid: number; gid: number } | undefined;
  try {
    const stat = statSync(target);
    mode = stat.mode & 0o7777;
    owner = { uid: stat.uid, gid: stat.gid };
  } catch {
    // A new file.
  }
  const path = join(
    dirname(target),
    `${tempPrefix(target)}${randomBytes(TEMP_RANDOM_BYTES).toString('hex')}`,
  );
  const file = await fs.open(path, 'wx', mode);
  let closed = false;
  try {
    if (owner !== undefined) {
      await file.chmod(mode); // the umask took bits from the mode open(2) was given
      if (process.getuid?.() === 0 && (owner.uid !== 0 || owner.gid !== 0))
        await file.chown(owner.uid, owner.gid);
    }
    await write(file);
    await file.sync();
    closed = true;
    await file.close();
    await fs.rename(path, target);
  } catch (error) {
    if (!closed) await file.close().catch(() => {});
    await fs.rm(path, { force: true });
    throw error;
  }
  await syncDirectory(dirname(target));
}
