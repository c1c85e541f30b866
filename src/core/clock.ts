/** Clocks shared by every layer: one definition of "now" and of CPU time. */
import { readFileSync } from 'node:fs';

/** Milliseconds since the Unix epoch, with sub-millisecond precision and never going backwards. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** CPU time (user + system) of a `process.cpuUsage()` reading, in ms. */
export function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** Linux's account of the calling thread: its first field is the thread's time on a CPU, in ns. */
const THREAD_SCHEDSTAT = '/proc/thread-self/schedstat';
/** Whether THREAD_SCHEDSTAT could be read; once it could not, it is not tried again. */
let schedstat = true;

/**
 * CPU time of the calling thread alone, in ms. `process.cpuUsage` counts every thread of the process:
 * worker threads starting beside the event loop (their module loading and compiling) would read as the
 * loop's own work. Where there is no per-thread account (not Linux), the whole process's.
 */
export function threadCpuMs(): number {
  if (schedstat) {
    try {
      const text = readFileSync(THREAD_SCHEDSTAT, 'latin1');
      const ns = Number(text.slice(0, text.indexOf(' ')));
      if (Number.isFinite(ns)) return ns / 1e6;
    } catch {
      // No such file here: the process's time below, from now on.
    }
    schedstat = false;
  }
  return cpuMs(process.cpuUsage());
}
