// A comparison built from made-up runs, for testing the renderers without measuring anything.

import type { StrategyName } from '../../src/core/options.js';
import { summarizeComparison } from '../../src/measure/summary.js';
import type { Comparison, RunMeasurement } from '../../src/measure/types.js';

const MB = 1024 * 1024;

function run(n: number, wallMs: number, cpuMs: number, rssMb: number, failed = 0): RunMeasurement {
  return {
    run: n,
    warmup: false,
    startedAt: 1_700_000_000_000 + n * 10_000,
    wallMs,
    startupMs: 5,
    closeMs: 2,
    cpuMs,
    cpuUserMs: cpuMs * 0.9,
    cpuSystemMs: cpuMs * 0.1,
    childCpuMs: 0,
    peakRss: rssMb * MB,
    baselineRss: 50 * MB,
    rssMethod: 'proc',
    throughput: (20 * 1000) / wallMs,
    failed,
    workersStarted: 2,
    timeline: [{ workerId: 1, index: 0, start: 1_700_000_000_000, end: 1_700_000_000_005 }],
  };
}

export function sampleComparison(overrides: { failed?: number; mismatch?: boolean } = {}): Comparison {
  const failed = overrides.failed ?? 0;
  const tally = (strategy: StrategyName, concurrency: number, walls: number[], cpu: number, rss: number) => ({
    strategy,
    concurrency,
    warmups: [],
    runs: walls.map((w, i) => run(i + 1, w, cpu, rss, strategy === 'threads' ? failed : 0)),
    failures: strategy === 'threads' && failed > 0 ? [{ index: 3, message: 'task failed on input 3' }] : [],
    mismatched: overrides.mismatch && strategy === 'processes' ? 1 : 0,
  });
  return summarizeComparison({
    task: '/home/me/task.mjs',
    label: '/home/me/task.mjs',
    export: 'default',
    inputs: 20,
    warmup: 1,
    runs: 3,
    startedAt: '2025-01-01T00:00:00.000Z',
    machine: { cores: 2, cpu: 'test cpu', platform: 'linux', arch: 'x64', node: 'v20.20.2', totalMemory: 8 },
    tallies: [
      tally('sequential', 1, [3860, 3900, 3880], 3850, 52),
      tally('async', 64, [3870, 3890, 3910], 3860, 53),
      tally('threads', 2, [2000, 2010, 2700], 3950, 88),
      tally('processes', 2, [2100, 2120, 2110], 4100, 160),
    ],
    mismatches: overrides.mismatch
      ? [{ index: 7, strategy: 'processes', name: 'processes', run: 1, expected: '140n', actual: '141n' }]
      : [],
    mismatchCount: overrides.mismatch ? 1 : 0,
    mismatchedInputs: overrides.mismatch ? 1 : 0,
  });
}
