/** The mixed job's words follow from its figures: the hybrid is said to win only where its runs do. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StrategyName } from '../../src/core/options.js';
import { inShort } from '../../src/demo/lessons.js';
import { inFlightFor } from '../../src/demo/mixed.js';
import { hybridVerdict, mixedLessons } from '../../src/demo/mixed-lessons.js';
import { summarizeComparison } from '../../src/measure/summary.js';
import type { Comparison, RunMeasurement } from '../../src/measure/types.js';
import { sampleComparison } from '../report/sample.js';

function run(n: number, wallMs: number, cpuMs: number): RunMeasurement {
  return {
    run: n,
    warmup: false,
    startedAt: 0,
    wallMs,
    startupMs: 5,
    closeMs: 1,
    cpuMs,
    cpuUserMs: cpuMs,
    cpuSystemMs: 0,
    childCpuMs: 0,
    peakRss: 1,
    baselineRss: 1,
    rssMethod: 'proc',
    throughput: 80_000 / wallMs,
    failed: 0,
    workersStarted: 2,
    timeline: [],
  };
}

type Row = [StrategyName, number, number, number[], number];

/** The mixed job's five rows: strategy, workers, in flight, wall times of the runs, CPU. */
function mixed(hybridWalls: number[], asyncWalls = [2400, 2500], hybridCpu = 3000): Comparison {
  const rows: Row[] = [
    ['sequential', 1, 1, [6400, 6500], 2500],
    ['async', 80, 1, asyncWalls, 2450],
    ['threads', 2, 1, [3600, 3700], 3000],
    ['processes', 2, 1, [3800, 3900], 3200],
    ['threads', 2, 6, hybridWalls, hybridCpu],
  ];
  return summarizeComparison({
    task: 'fetch-and-hash',
    label: 'Mixed',
    export: 'default',
    inputs: 80,
    warmup: 0,
    runs: 2,
    startedAt: '2026-01-01T00:00:00.000Z',
    machine: { cores: 2, cpu: 'test', platform: 'linux', arch: 'x64', node: 'v20', totalMemory: 1 },
    tallies: rows.map(([strategy, concurrency, inFlight, walls, cpu]) => ({
      strategy,
      concurrency,
      inFlight,
      warmups: [],
      runs: walls.map((w, i) => run(i + 1, w, cpu)),
      failures: [],
      mismatched: 0,
    })),
    mismatches: [],
    mismatchCount: 0,
    mismatchedInputs: 0,
  });
}

const CHOICE = { busyShare: 0.38, inFlight: 6 };

test('tasks in flight per worker: ⌈2 ÷ busy share⌉, within bounds', () => {
  assert.equal(inFlightFor(0.38), 6);
  assert.equal(inFlightFor(0.5), 4);
  assert.equal(inFlightFor(1), 2);
  assert.equal(inFlightFor(0.001), 64);
  assert.equal(inFlightFor(0), 64);
});

test('the hybrid is said to win only when its slowest run beat every other fastest', () => {
  const clear = mixed([1500, 1600]);
  assert.equal(clear.strategies[4]!.name, 'threads 2×6');
  assert.match(
    hybridVerdict(clear)!,
    /^The hybrid won: 1\.58 × faster than async, the best of the four models/,
  );
  const lessons = mixedLessons(clear, 2, CHOICE);
  assert.match(lessons.join('\n'), /threads 2×6 keeps 6 tasks in flight on each of 2 workers/);
  assert.match(lessons.join('\n'), /⌈2 ÷ 38 %⌉ = 6/);
  assert.match(
    inShort(sampleComparison(), sampleComparison(), clear),
    /work that does both wants the hybrid, threads 2×6\.$/,
  );

  const overlapping = mixed([1500, 2450]);
  assert.match(hybridVerdict(overlapping)!, /^The hybrid had the lowest median, .* but the runs overlap/);
  assert.doesNotMatch(mixedLessons(overlapping, 2, CHOICE).join('\n'), /hybrid won/);
  assert.match(inShort(sampleComparison(), sampleComparison(), overlapping), /the mixed job's runs overlap/);

  // A hybrid that got less than a core is said to have been starved, not to lose on its merits.
  assert.doesNotMatch(mixedLessons(clear, 2, CHOICE).join('\n'), /no second core/);
  const lost = mixed([2600, 2700], [2000, 2100]);
  assert.doesNotMatch(mixedLessons(lost, 2, CHOICE).join('\n'), /no second core/);
  const starved = mixed([2600, 2700], [2000, 2100], 900);
  assert.match(
    mixedLessons(starved, 2, CHOICE).join('\n'),
    /The hybrid kept only 0\.340 cores busy on 2: other programs were taking the CPU/,
  );
  assert.match(
    hybridVerdict(lost)!,
    /^The hybrid did not win here: async had the lowest median \(the hybrid ran 1\.\d+ × slower than async\)\./,
  );
  assert.match(inShort(sampleComparison(), sampleComparison(), lost), /work that does both wants async\.$/);
  // …and the In short line then names no model for work that does both, as that lesson says.
  assert.match(
    inShort(sampleComparison(), sampleComparison(), starved, 2),
    /; the mixed job ran on a busy machine \(the hybrid kept only 0\.340 cores busy on 2\), so it cannot say which model wins \(try again on a quieter machine\)\.$/,
  );
  assert.match(
    inShort(sampleComparison(), sampleComparison(), lost, 2),
    /work that does both wants async\.$/,
  );
});
