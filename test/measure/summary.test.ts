import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StrategyName } from '../../src/core/options.js';
import { efficiency, summarizeComparison, type Tally } from '../../src/measure/summary.js';
import type { RunMeasurement } from '../../src/measure/types.js';

function run(wallMs: number, failed = 0): RunMeasurement {
  return {
    run: 1,
    warmup: false,
    startedAt: 0,
    wallMs,
    startupMs: 1,
    closeMs: 1,
    cpuMs: wallMs / 2,
    cpuUserMs: wallMs / 2,
    cpuSystemMs: 0,
    childCpuMs: 0,
    peakRss: 1000,
    baselineRss: 500,
    rssMethod: 'proc',
    throughput: 10_000 / wallMs,
    failed,
    workersStarted: 1,
    timeline: [],
  };
}

function tally(strategy: StrategyName, concurrency: number, walls: number[], failed = 0): Tally {
  return {
    strategy,
    concurrency,
    warmups: [],
    runs: walls.map((w) => run(w, failed)),
    failures: [],
    mismatched: 0,
  };
}

const parts = {
  task: 'task.mjs',
  label: 'task.mjs',
  export: 'default',
  inputs: 10,
  warmup: 0,
  runs: 3,
  startedAt: '2025-01-01T00:00:00.000Z',
  machine: { cores: 2, cpu: 'test', platform: 'linux', arch: 'x64', node: 'v20', totalMemory: 1 },
  mismatches: [],
  mismatchCount: 0,
  mismatchedInputs: 0,
};

test('speed-up is sequential median over each median; efficiency divides by min(concurrency, inputs)', () => {
  const c = summarizeComparison({
    ...parts,
    tallies: [
      tally('sequential', 1, [1000, 1200, 1100]),
      tally('threads', 2, [600, 550, 500]),
      tally('async', 64, [110, 100, 120]),
    ],
  });
  const [sequential, threads, async] = c.strategies;
  assert.equal(sequential!.speedup, 1);
  assert.equal(sequential!.efficiency, 1);
  assert.equal(threads!.wallMs.median, 550);
  assert.equal(threads!.speedup, 1100 / 550);
  assert.equal(threads!.efficiency, 1100 / 550 / 2);
  // 64 in flight, but only 10 inputs: at most 10 could run at once.
  assert.equal(async!.efficiency, 1100 / 110 / 10);
  assert.equal(c.fastest, 'async');
  assert.equal(c.reference, 'sequential');
  assert.equal(threads!.coresBusy, 0.5);
});

test('without sequential there is no speed-up, but still a fastest', () => {
  const c = summarizeComparison({
    ...parts,
    tallies: [tally('threads', 2, [600, 550, 500]), tally('processes', 2, [700, 720, 710])],
  });
  assert.equal(c.strategies[0]!.speedup, undefined);
  assert.equal(c.strategies[0]!.efficiency, undefined);
  assert.equal(c.fastest, 'threads');
});

test('failed counts the worst run per strategy and sums over strategies', () => {
  const c = summarizeComparison({
    ...parts,
    tallies: [tally('sequential', 1, [10, 10, 10], 2), tally('threads', 2, [5, 5, 5], 3)],
  });
  assert.equal(c.strategies[0]!.failed, 2);
  assert.equal(c.failed, 5);
});

test('efficiency() by itself', () => {
  assert.equal(efficiency(3, 4, 100), 0.75);
  assert.equal(efficiency(2, 8, 2), 1);
});
