import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sweep } from '../../src/measure/configuration.js';
import { summarizeComparison } from '../../src/measure/summary.js';
import type { Comparison, RunMeasurement } from '../../src/measure/types.js';
import { renderHtmlReport } from '../../src/report/html/index.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { comparisonSection, reportData } from '../../src/report/sections.js';
import { SWEEP_BAR_WIDTH, sweepPeak, sweepRows } from '../../src/report/sweep.js';
import { renderComparison } from '../../src/report/table.js';

const INPUTS = 100;

function run(n: number, wallMs: number, failed = 0): RunMeasurement {
  return {
    run: n,
    warmup: false,
    startedAt: 0,
    wallMs,
    startupMs: 5,
    closeMs: 1,
    cpuMs: 100,
    cpuUserMs: 90,
    cpuSystemMs: 10,
    childCpuMs: 0,
    peakRss: 1,
    baselineRss: 1,
    rssMethod: 'proc',
    throughput: (INPUTS * 1000) / wallMs,
    failed,
    workersStarted: 2,
    timeline: [],
  };
}

/** A sweep of tasks in flight per worker over 2 workers, with the wall times of each level's runs. */
function sweep(walls: Record<number, number[]>, failed: Record<number, number> = {}): Comparison {
  const levels = Object.keys(walls).map(Number);
  const s: Sweep = { strategy: 'threads', varies: 'inFlight', concurrency: 2, levels };
  return summarizeComparison({
    task: 'fetch-and-hash',
    label: 'fetch-and-hash',
    export: 'default',
    inputs: INPUTS,
    warmup: 0,
    runs: 2,
    startedAt: '2026-01-01T00:00:00.000Z',
    machine: { cores: 2, cpu: 'test', platform: 'linux', arch: 'x64', node: 'v20', totalMemory: 1 },
    tallies: levels.map((level) => ({
      strategy: 'threads',
      concurrency: 2,
      inFlight: level,
      warmups: [],
      runs: walls[level]!.map((w, i) => run(i + 1, w, failed[level] ?? 0)),
      failures: [],
      mismatched: 0,
    })),
    sweep: s,
    mismatches: [],
    mismatchCount: 0,
    mismatchedInputs: 0,
  });
}

test('one row per level: the level, the median, the range, a bar to scale', () => {
  const c = sweep({ 1: [4000, 4000], 4: [1000, 1000], 16: [500, 500] });
  const rows = sweepRows(c);
  assert.deepEqual(
    rows.map((r) => r[0]),
    ['1', '4', '16'],
  );
  assert.deepEqual(
    rows.map((r) => r[3]!.length),
    [SWEEP_BAR_WIDTH / 8, SWEEP_BAR_WIDTH / 2, SWEEP_BAR_WIDTH],
  );
  assert.deepEqual(sweepPeak(c), { level: 16, clear: true, single: false, leftOut: [] });
  const text = renderComparison(c);
  assert.match(text, /^threads 2×K: throughput against K, the tasks in flight per worker$/m);
  assert.match(text, /^Highest throughput at 16 \(200 tasks\/s\), clear of every other level.s runs\.$/m);
  assert.match(text, /^threads 2×16 +2×16 /m);
  assert.match(renderMarkdown(c), /^\| 16 \| .* \| █+ \|$/m);
});

test('a peak whose runs overlap another level is not called clear', () => {
  const c = sweep({ 1: [4000, 4100], 8: [900, 1200], 16: [1000, 1150] });
  assert.deepEqual(sweepPeak(c), { level: 8, clear: false, single: false, leftOut: [] });
  assert.match(renderComparison(c), /^Highest median throughput at 8 .*no clear peak\.$/m);
});

test('a level whose inputs failed is never the peak: the peak is the best with every input ok, the rest named', () => {
  const c = sweep({ 1: [4000, 4000], 4: [1000, 1000], 8: [400, 420] }, { 8: 88 });
  assert.equal(sweepPeak(c)?.level, 4);
  assert.deepEqual(
    sweepPeak(c)?.leftOut.map((s) => s.inFlight),
    [8],
  );
  const text = renderComparison(c);
  assert.match(
    text,
    /^Highest throughput among the levels with every input ok at 4 \(100 tasks\/s\), clear of every other such level's runs\. Left out, for failed inputs: 8 \(88 of 100 inputs failed\)\.$/m,
  );
  assert.match(text, /^ +8 +244 \/s † /m);
});

test('a single level with every input ok is named as the only one, not as clear of others', () => {
  const c = sweep({ 1: [4000, 4000], 4: [1000, 1000] }, { 4: 50 });
  assert.match(
    renderComparison(c),
    /^The only level with every input ok: 1 \(25\.0 tasks\/s\)\. Left out, for failed inputs: 4 \(50 of 100 inputs failed\)\.$/m,
  );
});

test('with failures at every level there is no peak', () => {
  const c = sweep({ 1: [4000, 4000], 4: [1000, 1000] }, { 1: 3, 4: 100 });
  assert.equal(sweepPeak(c)?.level, undefined);
  assert.match(
    renderComparison(c),
    /^No peak: inputs failed at every level \(1 \(3 of 100 inputs failed\), 4 \(100 of 100 inputs failed\)\), and a level whose inputs fail is no measure of the work\.$/m,
  );
});

test('one run per level names no clear peak, however the single runs fell', () => {
  const c = sweep({ 1: [4000], 32: [807], 64: [815] });
  assert.deepEqual(sweepPeak(c), { level: 32, clear: false, single: true, leftOut: [] });
  assert.match(
    renderComparison(c),
    /^Highest throughput at 32 \(124 tasks\/s\) in a single run per level, which has no spread to tell a difference from noise: no clear peak; more runs \(--runs\) can tell\.$/m,
  );
});

test('the HTML report draws throughput against level for a sweep', () => {
  const c = sweep({ 1: [4000, 4000], 4: [1000, 1000], 16: [500, 500] });
  const section = comparisonSection(c);
  assert.deepEqual(
    section.probes?.map((p) => [p.strategy, p.concurrency]),
    [
      ['threads', 1],
      ['threads', 4],
      ['threads', 16],
    ],
  );
  const html = renderHtmlReport(reportData('sweep', [section]));
  assert.match(html, /<h3>Throughput against K<\/h3>/);
  assert.match(html, />K \(tasks in flight per worker, log scale\)</);
  assert.match(html, />threads 2×K</);
  assert.match(html, /threads 2×K: throughput against K/);
  assert.match(html, /threads 2×16/);
});
