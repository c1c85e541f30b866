/**
 * One run per output file: `<out>.lock`, beside the real file, names the run that holds it (pid, host,
 * start time). Two runs on one output would each write every line, and two --resume runs would each run
 * what the file lacks: the second run is refused instead (OutputLockedError).
 *
 * - **Taking it** is atomic: the record is written to a file of its own, then hard-linked to the lock's
 *   name, which fails if the lock exists (like O_EXCL), and never shows a half-written lock. (Where the
 *   file system has no hard links, the lock is created with O_EXCL and written after.)
 * - **Releasing it**: when the run ends, however it ends; a process exit (a third signal, an uncaught
 *   error) releases what is still held. Only SIGKILL or a crash of the machine leaves it behind…
 * - **…and then it is stale**: its pid no longer runs on this host (or runs a younger process that took the
 *   pid over, or the machine rebooted since). A stale lock is taken over. Two runs that both find it
 *   stale serialize on a marker named for that very lock (created exclusively), so exactly one removes
 *   it, and neither removes a lock that replaced it; then both race to create a new one, which one wins.
 * - A lock of another host cannot be checked from here: it is honoured, and the message says so.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FanoutError, OptionError } from '../core/errors.js';

/** The lock's name: the output's real path plus this. */
export const LOCK_SUFFIX = '.lock';
/** Takeover tries before giving up (each one lost to another run that changed the lock meanwhile). */
const MAX_LOCK_ATTEMPTS = 20;
/** How deep a takeover follows markers left by takeovers that were themselves killed. */
const MAX_REAP_DEPTH = 3;
/** Errors of `link` that mean "no hard links here", not "the lock exists". */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** What a lock file holds. */
export interface LockRecord {
  pid: number;
  host: string;
  /** When the holder took it (ISO 8601). */
  since: string;
  /** Unique per lock: a takeover removes the lock only if it still holds this. */
  nonce: string;
  /** Linux: /proc/sys/kernel/random/boot_id, so a lock from before a reboot is stale whatever its pid. */
  boot?: string;
  /** Linux: the holder's start time in clock ticks since boot, so a reused pid is not taken for the holder. */
  startTicks?: string;
}

/** The output is held by another run (or by a lock file fanout cannot read). */
export class OutputLockedError extends FanoutError {
  readonly lockPath: string;
  readonly holder: LockRecord | undefined;
  constructor(message: string, lockPath: string, holder: LockRecord | undefined) {
    super(message, 'ERR_FANOUT_LOCKED');
    this.lockPath = lockPath;
    this.holder = holder;
  }
}

export interface OutputLock {
  readonly path: string;
  /** Removes the lock if it is still this run's. Idempotent. */
  release(): void;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const BOOT_ID = readProc('/proc/sys/kernel/random/boot_id')?.trim();

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function startTicks(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ")".
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** Locks this process holds, so a second run in the same process is refused, and released at exit. */
const held = new Map<string, { nonce: string }>();
let exitHookInstalled = false;

function releaseAllAtExit(): void {
  for (const [path, { nonce }] of held) removeIfHolds(path, nonce);
  held.clear();
}

function ownRecord(): LockRecord {
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    nonce: randomBytes(16).toString('hex'),
  };
  if (BOOT_ID !== undefined) record.boot = BOOT_ID;
  const ticks = startTicks(process.pid);
  if (ticks !== undefined) record.startTicks = ticks;
  return record;
}

type Read = { record: LockRecord } | { gone: true } | { unreadable: string };

function readRecord(path: string): Read {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errno(error) === 'ENOENT') return { gone: true };
    return { unreadable: (error as Error).message };
  }
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (
      Number.isSafeInteger(value.pid) &&
      (value.pid as number) > 0 &&
      typeof value.host === 'string' &&
      typeof value.since === 'string' &&
      typeof value.nonce === 'string'
    ) {
      return { record: value as LockRecord };
    }
  } catch {
    // Reported below.
  }
  return {
    unreadable: `it does not hold a lock record of fanout run (${JSON.stringify(text.slice(0, 40))})`,
  };
}

/** Whether the holder of a record still runs: `unknown` for another host. */
function holderState(path: string, record: LockRecord): 'alive' | 'dead' | 'unknown' {
  if (record.host !== hostname()) return 'unknown';
  if (record.boot !== undefined && BOOT_ID !== undefined && record.boot !== BOOT_ID) return 'dead';
  if (record.pid === process.pid) return held.get(path)?.nonce === record.nonce ? 'alive' : 'dead';
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    return errno(error) === 'ESRCH' ? 'dead' : 'alive';
  }
  const ticks = record.startTicks === undefined ? undefined : startTicks(record.pid);
  return ticks !== undefined && ticks !== record.startTicks ? 'dead' : 'alive';
}

/**
 * Creates `path` holding `record`, atomically; false if it exists. The record is written to a file of
 * its own first (named `<path>.<hex>.new`, swept by the next holder if a kill leaves it), then linked.
 */
function tryCreate(path: string, record: LockRecord): boolean {
  const text = `${JSON.stringify(record)}\n`;
  const staging = `${path}.${randomBytes(8).toString('hex')}.new`;
  writeExclusive(staging, text);
  try {
    linkSync(staging, path);
    return true;
  } catch (error) {
    const code = errno(error);
    if (code === 'EEXIST') return false;
    // The holder swept our staging file away: look again.
    if (code === 'ENOENT') return false;
    if (code !== undefined && NO_LINKS.has(code)) return createWithoutLink(path, text);
    throw error;
  } finally {
    try {
      unlinkSync(staging);
    } catch {
      // Already swept.
    }
  }
}

function writeExclusive(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    writeSync(fd, text);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
}

/** Without hard links: O_EXCL, then the record. (A reader in between sees an empty lock: unreadable.) */
function createWithoutLink(path: string, text: string): boolean {
  try {
    writeExclusive(path, text);
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw error;
  }
}

function removeIfHolds(path: string, nonce: string): void {
  const now = readRecord(path);
  if (!('record' in now) || now.record.nonce !== nonce) return;
  try {
    unlinkSync(path);
  } catch {
    // Gone already.
  }
}

/**
 * Removes `path` if it still holds `seen`, whose holder is dead. Under a marker named for that very
 * record, created exclusively: two runs that both saw it dead cannot both remove it, and the later one
 * finds the lock changed and leaves it. A marker whose own maker died is reaped the same way, one level
 * deeper.
 */
function reap(path: string, seen: LockRecord, depth: number): void {
  const marker = `${path}.${seen.nonce}.reap`;
  const mine = ownRecord();
  if (!tryCreate(marker, mine)) {
    const other = readRecord(marker);
    if ('record' in other && depth < MAX_REAP_DEPTH && holderState(marker, other.record) === 'dead') {
      reap(marker, other.record, depth + 1);
    }
    return; // another run is taking it over (or just did): the caller looks again
  }
  try {
    removeIfHolds(path, seen.nonce);
  } finally {
    removeIfHolds(marker, mine.nonce);
  }
}

/** Staging files and takeover markers beside the lock, left by runs that were killed while locking. */
function sweepLeftovers(path: string): void {
  const prefix = `${basename(path)}.`;
  const directory = dirname(path);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) {
    // Under the lock no marker matters: each one is for a lock that is no longer there.
    if (!name.startsWith(prefix) || !(name.endsWith('.new') || name.endsWith('.reap'))) continue;
    try {
      unlinkSync(join(directory, name));
    } catch {
      // Its maker removed it first.
    }
  }
}

function describeHolder(record: LockRecord, lockPath: string): string {
  if (record.host !== hostname()) {
    return (
      `pid ${record.pid} on host ${record.host}, since ${record.since}; fanout cannot check another host: ` +
      `if that run has ended, remove ${lockPath}`
    );
  }
  return `pid ${record.pid}, since ${record.since} (lock ${lockPath})`;
}

/**
 * Takes the lock of the output at `real` (an absolute path, symlinks resolved); `shown` names it in
 * messages. Throws OutputLockedError when another run holds it.
 */
export function acquireOutputLock(real: string, shown: string): OutputLock {
  const path = `${real}${LOCK_SUFFIX}`;
  const record = ownRecord();
  for (let attempt = 0; attempt < MAX_LOCK_ATTEMPTS; attempt++) {
    let created: boolean;
    try {
      created = tryCreate(path, record);
    } catch (error) {
      throw new OptionError(`cannot create the lock file ${path}: ${(error as Error).message}`);
    }
    if (created) {
      held.set(path, { nonce: record.nonce });
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.on('exit', releaseAllAtExit);
      }
      sweepLeftovers(path);
      return {
        path,
        release: () => {
          if (held.get(path)?.nonce !== record.nonce) return;
          held.delete(path);
          removeIfHolds(path, record.nonce);
        },
      };
    }
    const seen = readRecord(path);
    if ('gone' in seen) continue; // released (or taken over) just now: try again
    if ('unreadable' in seen) {
      throw new OutputLockedError(
        `${shown} is locked by ${path}, which fanout cannot read (${seen.unreadable}): if no fanout run writes ${shown}, remove it`,
        path,
        undefined,
      );
    }
    const state = holderState(path, seen.record);
    if (state !== 'dead') {
      throw new OutputLockedError(
        `${shown} is in use by another fanout run: ${describeHolder(seen.record, path)}`,
        path,
        seen.record,
      );
    }
    reap(path, seen.record, 0);
  }
  throw new OutputLockedError(
    `${shown}: could not take over its stale lock ${path} (other runs kept changing it): try again`,
    path,
    undefined,
  );
}
