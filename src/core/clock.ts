/** Clocks shared by every layer: one definition of "now" and of CPU time. */

/** Milliseconds since the Unix epoch, with sub-millisecond precision and never going backwards. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** CPU time (user + system) of a `process.cpuUsage()` reading, in ms. */
export function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
