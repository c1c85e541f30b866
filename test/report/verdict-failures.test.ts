// The verdict, the summary and the figures when inputs failed or each configuration ran once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StrategyName } from '../../src/core/options.js';
import { summarizeComparison } from '../../src/measure/summary.js';
import type { Comparison, RunMeasurement } from '../../src/measure/types.js';
import { renderJson } from '../../src/report/json.js';
import {
  clearWinner,
  comparisonVerdict,
  summaryLines,
  tableRow,
  verdictLine,
  warningLines,
} from '../../src/report/model.js';
import { comparisonSection } from '../../src/report/sections.js';

const INPUTS = 200;

function run(n: number, wallMs: number, failed: number): RunMeasurement {
  return {
    run: n,
    warmup: false,
    startedAt: 0,
    wallMs,
    startupMs: 1,
    closeMs: 1,
    cpuMs: 10,
    cpuUserMs: 9,
    cpuSystemMs: 1,
    childCpuMs: 0,
    peakRss: 1,
    baselineRss: 1,
    rssMethod: 'proc',
    throughput: (INPUTS * 1000) / wallMs,
    failed,
    workersStarted: 1,
    timeline: [],
  };
}

interface Row {
  strategy: StrategyName;
  concurrency: number;
  walls: number[];
  failed?: number;
}

function comparison(rows: Row[]): Comparison {
  return summarizeComparison({
    task: 'download',
    label: 'download',
    export: 'default',
    inputs: INPUTS,
    warmup: 0,
    runs: rows[0]!.walls.length,
    startedAt: '2026-01-01T00:00:00.000Z',
    machine: { cores: 2, cpu: 'test', platform: 'linux', arch: 'x64', node: 'v20', totalMemory: 1 },
    tallies: rows.map((r) => ({
      strategy: r.strategy,
      concurrency: r.concurrency,
      warmups: [],
      runs: r.walls.map((w, i) => run(i + 1, w, r.failed ?? 0)),
      failures: [],
      mismatched: 0,
    })),
    mismatches: [],
    mismatchCount: 0,
    mismatchedInputs: 0,
  });
}

test('a configuration whose inputs failed finishes first but is not fastest: the verdict says so', () => {
  // The trial: async 64 ran into 503s and finished first; async 16 had every input ok.
  const c = comparison([
    { strategy: 'async', concurrency: 64, walls: [280, 290, 294], failed: 177 },
    { strategy: 'async', concurrency: 16, walls: [1400, 1420, 1410] },
    { strategy: 'async', concurrency: 4, walls: [5000, 5100, 5050] },
  ]);
  assert.equal(c.finishedFirst, 'async 64');
  assert.equal(c.fastest, 'async 16');
  assert.equal(clearWinner(c)?.name, 'async 16');
  assert.equal(
    verdictLine(c),
    "Verdict: async 16 is fastest, decided by wall time among the configurations with every input ok: median wall time 1.41 s against 5.05 s for async 4, the next fastest; and its slowest run (1.42 s) beat every other configuration's fastest run (min … max); left out, for failed inputs: async 64 finished sooner but 177 of 200 inputs failed.",
  );
  assert.deepEqual(summaryLines(c), [
    'async 16 ran 4.86 × slower than async 64 (async 64: 177 of 200 inputs failed)',
    'async 16 ran 3.58 × faster than async 4',
  ]);
  assert.equal(tableRow(c.strategies[0]!)[7], '690 /s †');
  assert.equal(JSON.parse(renderJson(c)).fastest, 'async 16');
  assert.equal(comparisonSection(c).finding?.head, 'async 16 is fastest');
});

test('the only configuration with every input ok is named as such', () => {
  const c = comparison([
    { strategy: 'async', concurrency: 64, walls: [280, 290, 294], failed: 177 },
    { strategy: 'async', concurrency: 16, walls: [1400, 1420, 1410] },
  ]);
  assert.equal(
    verdictLine(c),
    'Verdict: async 16 is the only configuration with every input ok: left out, for failed inputs: async 64 finished sooner but 177 of 200 inputs failed.',
  );
});

test('with inputs failing under every configuration there is no winner, in every format', () => {
  const c = comparison([
    { strategy: 'sequential', concurrency: 1, walls: [3, 3], failed: 200 },
    { strategy: 'async', concurrency: 64, walls: [1, 1], failed: 200 },
  ]);
  assert.equal(c.fastest, undefined);
  assert.equal(clearWinner(c), undefined);
  assert.equal(comparisonVerdict(c)?.winner, undefined);
  assert.equal(
    verdictLine(c),
    'Verdict: no winner: inputs failed under every configuration (sequential: 200 of 200 inputs failed; async: 200 of 200 inputs failed), and a configuration whose inputs fail is no measure of the work, however soon it finishes.',
  );
  assert.equal(JSON.parse(renderJson(c)).fastest, null);
  // No speed-up or efficiency against a baseline whose inputs failed (the trial's 24.7 × and 495 %).
  assert.equal(c.strategies[1]!.speedup, undefined);
  assert.deepEqual(tableRow(c.strategies[1]!).slice(8), ['—', '—']);
});

test('one run per configuration cannot name a clear winner, however the runs fell', () => {
  const c = comparison([
    { strategy: 'async', concurrency: 32, walls: [807] },
    { strategy: 'async', concurrency: 64, walls: [815] },
  ]);
  assert.equal(clearWinner(c), undefined);
  assert.equal(
    verdictLine(c),
    'Verdict: no clear winner by wall time: async 32 was fastest in a single run (median wall time 807 ms against 815 ms for async 64, the next fastest), but one run per configuration has no spread to tell a difference from noise; more runs (--runs) can.',
  );
  assert.deepEqual(summaryLines(c), [
    'async 32 ran 1.01 × faster than async 64 (one run each: no spread to judge the difference by)',
  ]);
});

test('an efficiency above 100 % is explained, not left to read as a gain', () => {
  const c = comparison([
    { strategy: 'sequential', concurrency: 1, walls: [2.78, 2.78] },
    { strategy: 'async', concurrency: 64, walls: [0.373, 0.373] },
  ]);
  assert.equal(c.inputs, 200);
  const async = c.strategies[1]!;
  assert.ok(async.efficiency !== undefined && async.efficiency < 1.05, 'here 64 slots: 7.45 × is 12 %');
  const few = { ...c, strategies: [c.strategies[0]!, { ...async, efficiency: 1.49 }] };
  assert.deepEqual(warningLines(few), [
    "async: efficiency 149 %, above 100 %: more than overlap can give. In a short run (sequential's median, 2.78 ms) one-off costs (compiling the task, cold caches) can weigh on sequential, measured first; more inputs or warm-up runs give a fairer baseline",
  ]);
});
