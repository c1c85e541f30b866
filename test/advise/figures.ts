/** Synthetic figures for the advisor's pure functions. */

import type { MessageFigures, Probe, SampleFigures, StartupFigures } from '../../src/advise/types.js';
import type { StrategyName } from '../../src/core/options.js';

/** A sequential sample of tasks of `wallMs` each, the loop busy for `busyShare` of it. */
export function sampleOf(wallMs: number, busyShare: number, cpuShare = busyShare): SampleFigures {
  return {
    tasks: 30,
    tried: 30,
    failed: 0,
    firstTaskMs: wallMs + 5,
    wallMs,
    cpuMs: wallMs * cpuShare,
    busyMs: wallMs * busyShare,
    cpuShare,
    busyShare,
    p50Ms: wallMs,
    p95Ms: wallMs * 1.1,
  };
}

export const message: MessageFigures = { inputBytes: 20, outputBytes: 8, cloneMs: 0.002 };
export const startup: StartupFigures = { inProcessMs: 5, threadsMs: 40, processesMs: 90 };

/** A probe with the given throughput and 95th-percentile time. */
export function probe(
  strategy: StrategyName,
  concurrency: number,
  tasksPerSecond: number,
  p95Ms = 50,
  failed = 0,
  inFlight = 1,
  loopShare = 0.5,
): Probe {
  return {
    strategy,
    concurrency,
    inFlight,
    loopShare,
    tasks: 100,
    failed,
    wallMs: (100 / tasksPerSecond) * 1000,
    cpuMs: 1,
    tasksPerSecond,
    p50Ms: p95Ms * 0.9,
    p95Ms,
    speedup: tasksPerSecond / 100,
  };
}
