/**
 * Peak memory of the whole process tree during a run: this process (every worker thread shares its
 * RSS) plus every descendant process.
 *
 * On Linux the tree is read from /proc: every SAMPLE_INTERVAL_MS this process's RSS plus each
 * descendant's resident pages (/proc/<pid>/statm, kept open: a re-read costs about 2 µs), the
 * descendants found again every TREE_SCAN_INTERVAL_MS (and at the end) through
 * /proc/<pid>/task/<tid>/children. The samples come from a timer on the main thread, which a task that
 * blocks the event loop (sequential or async with synchronous work) holds up; so the kernel's own
 * high-water mark of this process (VmHWM, reset at the start through /proc/self/clear_refs) is a
 * floor of the peak: exact when there are no children, and then the timer only looks for children,
 * every TREE_SCAN_INTERVAL_MS. With children, sampling costs about 1 % of one core, counted in the
 * CPU time like any other work of this process.
 *
 * Elsewhere this process's RSS is sampled and the caller adds the children's RSS as the workers last
 * reported it (a lower bound).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import type { RssMethod } from './types.js';

/** How often the tree's RSS is sampled. */
export const SAMPLE_INTERVAL_MS = 20;
/** How often the list of descendant processes is read again (it changes only as workers start). */
export const TREE_SCAN_INTERVAL_MS = 200;
const KB = 1024;
const DEFAULT_PAGE_SIZE = 4096;
/** Room for a thread's list of child pids (/proc/<pid>/task/<tid>/children). */
const CHILDREN_BUFFER = 4096;
/** /proc/<pid>/statm is one short line. */
const STATM_BUFFER = 256;
/** Writing this to /proc/self/clear_refs resets VmHWM (Linux ≥ 4.0). */
const RESET_PEAK_RSS = '5';

export interface RssPeak {
  peak: number;
  /** The tree's RSS when sampling began: what the run's peak rose from. */
  baseline: number;
  method: RssMethod;
}

export interface RssSampler {
  /** Takes one sample now, looking for new descendants first. */
  sample(): void;
  /** Stops sampling (once; later calls return the same figures); `reportedChildRss` is added where the tree cannot be read. */
  stop(reportedChildRss: number): RssPeak;
}

const hasProc = process.platform === 'linux' && readable(`/proc/${process.pid}/status`);

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A field of /proc/<pid>/status in bytes, or 0 when it cannot be read. */
function statusBytes(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'latin1');
    const at = text.indexOf(`${field}:`);
    if (at === -1) return 0;
    return Number.parseInt(text.slice(at + field.length + 1).trimStart(), 10) * KB;
  } catch {
    return 0;
  }
}

/** Resident pages, the second field of /proc/<pid>/statm, read through a file kept open (cheap to re-read). */
function residentPages(fd: number, buffer: Buffer): number {
  const length = readSync(fd, buffer, 0, buffer.length, 0);
  const text = buffer.toString('latin1', 0, length);
  const start = text.indexOf(' ') + 1;
  return Number.parseInt(text.slice(start, text.indexOf(' ', start)), 10);
}

/** The page size statm counts in: VmRSS (kB) over resident pages, rounded to a power of two. */
function pageSize(): number {
  try {
    const fd = openSync('/proc/self/statm', 'r');
    try {
      const pages = residentPages(fd, Buffer.alloc(STATM_BUFFER));
      const ratio = statusBytes('self', 'VmRSS') / pages;
      return 2 ** Math.round(Math.log2(ratio));
    } finally {
      closeSync(fd);
    }
  } catch {
    return DEFAULT_PAGE_SIZE;
  }
}

/** Reads a small /proc file whole into `buffer` (open, read, close: cheaper than readFileSync). */
function readSmall(path: string, buffer: Buffer): string {
  const fd = openSync(path, 'r');
  try {
    return buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}

function childrenOf(pid: number, buffer: Buffer): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const tid of tasks) {
    try {
      for (const child of readSmall(`/proc/${pid}/task/${tid}/children`, buffer).split(' ')) {
        const n = Number.parseInt(child, 10);
        if (n > 0) found.push(n);
      }
    } catch {
      // The thread ended between the two reads.
    }
  }
  return found;
}

/** Every descendant of `pid`, children before grandchildren. */
export function descendants(pid: number): number[] {
  const all: number[] = [];
  const pending = [pid];
  const buffer = Buffer.alloc(CHILDREN_BUFFER);
  while (pending.length > 0) {
    for (const child of childrenOf(pending.pop()!, buffer)) {
      all.push(child);
      pending.push(child);
    }
  }
  return all;
}

function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', RESET_PEAK_RSS);
    return true;
  } catch {
    return false;
  }
}

let cachedPageSize: number | undefined;

function pageSizeOnce(): number {
  if (cachedPageSize === undefined) cachedPageSize = pageSize();
  return cachedPageSize;
}

/** The descendants' RSS, each read through its own open statm file; a process that is gone reads as 0. */
class ChildRss {
  readonly #files = new Map<number, number>();
  readonly #buffer = Buffer.alloc(STATM_BUFFER);
  readonly #pageSize = pageSizeOnce();

  get size(): number {
    return this.#files.size;
  }

  /** Opens the files of new descendants and closes those of processes that are gone. */
  track(pids: readonly number[]): void {
    const wanted = new Set(pids);
    for (const [pid, fd] of this.#files) {
      if (!wanted.has(pid)) {
        closeSync(fd);
        this.#files.delete(pid);
      }
    }
    for (const pid of wanted) {
      if (this.#files.has(pid)) continue;
      try {
        this.#files.set(pid, openSync(`/proc/${pid}/statm`, 'r'));
      } catch {
        // Gone already.
      }
    }
  }

  total(): number {
    let total = 0;
    for (const fd of this.#files.values()) {
      try {
        total += residentPages(fd, this.#buffer) * this.#pageSize;
      } catch {
        // The process ended since the last scan: it holds no memory now.
      }
    }
    return total;
  }

  close(): void {
    for (const fd of this.#files.values()) closeSync(fd);
    this.#files.clear();
  }
}

/** Starts sampling now; call `stop` to end it. The timer never keeps the process alive. */
export function startRssSampler(): RssSampler {
  const hwmReset = hasProc && resetPeak();
  const children = hasProc ? new ChildRss() : undefined;
  let lastScan = Number.NEGATIVE_INFINITY;
  let peak = 0;
  const sample = (rescan = false): void => {
    let total = process.memoryUsage.rss();
    if (children) {
      const now = performance.now();
      if (rescan || now - lastScan >= TREE_SCAN_INTERVAL_MS) {
        children.track(descendants(process.pid));
        lastScan = now;
      }
      total += children.total();
    }
    if (total > peak) peak = total;
  };
  // With the kernel keeping this process's peak, only children need sampling: until there are some,
  // look for them at the slower pace (each timer wake-up costs CPU time that the run is charged).
  const nextDelay = (): number =>
    hwmReset && children!.size === 0 ? TREE_SCAN_INTERVAL_MS : SAMPLE_INTERVAL_MS;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    sample();
    timer = setTimeout(tick, nextDelay()).unref();
  };
  sample(true);
  const baseline = peak;
  timer = setTimeout(tick, nextDelay()).unref();
  let stopped: RssPeak | undefined;
  return {
    sample: () => sample(true),
    stop(reportedChildRss) {
      if (stopped) return stopped;
      clearTimeout(timer);
      sample(true);
      children?.close();
      if (!hasProc) {
        const last = process.memoryUsage.rss() + reportedChildRss;
        stopped = { peak: Math.max(peak, last), baseline, method: 'self+reported' };
      } else {
        const ownPeak = hwmReset ? statusBytes('self', 'VmHWM') : 0;
        stopped = { peak: Math.max(peak, ownPeak), baseline, method: 'proc' };
      }
      return stopped;
    },
  };
}
