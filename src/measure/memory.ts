/**
 * Peak memory of the whole process tree during a run: this process (every worker thread shares its
 * RSS) plus every descendant process.
 *
 * On Linux the tree is read from /proc: every SAMPLE_INTERVAL_MS this process's RSS plus each
 * descendant's VmRSS, the descendants found again every TREE_SCAN_INTERVAL_MS through
 * /proc/<pid>/task/<tid>/children. The samples come from timers on the main thread, which a task
 * that blocks the event loop (sequential or async with synchronous work) holds up; so the kernel's
 * own high-water mark of this process (VmHWM, reset at the start through /proc/self/clear_refs) is a
 * floor of the peak: exact when there are no children.
 *
 * Elsewhere this process's RSS is sampled and the caller adds the children's RSS as the workers last
 * reported it (a lower bound).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { RssMethod } from './types.js';

/** How often the tree's RSS is sampled. */
export const SAMPLE_INTERVAL_MS = 5;
/** How often the list of descendant processes is read again (it changes only as workers start). */
export const TREE_SCAN_INTERVAL_MS = 50;
const KB = 1024;
/** Writing this to /proc/self/clear_refs resets VmHWM (Linux ≥ 4.0). */
const RESET_PEAK_RSS = '5';

export interface RssPeak {
  peak: number;
  method: RssMethod;
}

export interface RssSampler {
  /** Takes one sample now (the caller does at the moments that matter: start, end). */
  sample(): void;
  /** Stops sampling; `reportedChildRss` is added where the tree cannot be read. */
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

/** A field of /proc/<pid>/status in bytes, or 0 when the process is gone. */
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

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const tid of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').split(' ')) {
        if (child !== '' && child !== '\n') found.push(Number(child));
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
  while (pending.length > 0) {
    for (const child of childrenOf(pending.pop()!)) {
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

/** Starts sampling now; call `stop` to end it. The timers never keep the process alive. */
export function startRssSampler(): RssSampler {
  const hwmReset = hasProc && resetPeak();
  let pids: number[] = [];
  let lastScan = Number.NEGATIVE_INFINITY;
  let peak = 0;
  const sample = (): void => {
    let total = process.memoryUsage.rss();
    if (hasProc) {
      const now = performance.now();
      if (now - lastScan >= TREE_SCAN_INTERVAL_MS) {
        pids = descendants(process.pid);
        lastScan = now;
      }
      for (const pid of pids) total += statusBytes(pid, 'VmRSS');
    }
    if (total > peak) peak = total;
  };
  sample();
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
  timer.unref();
  return {
    sample,
    stop(reportedChildRss) {
      clearInterval(timer);
      sample();
      if (!hasProc) {
        return {
          peak: Math.max(peak, process.memoryUsage.rss() + reportedChildRss),
          method: 'self+reported',
        };
      }
      const ownPeak = hwmReset ? statusBytes('self', 'VmHWM') : 0;
      return { peak: Math.max(peak, ownPeak), method: 'proc' };
    },
  };
}
