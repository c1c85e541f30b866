// The HTML report's words for an adaptive row, and the limit chart's axis labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitSeriesChart } from '../../src/report/html/charts/limit-series.js';
import { figuresTable } from '../../src/report/html/figures-table.js';
import { describeRow } from '../../src/report/html/strategy.js';
import type { ReportStrategy } from '../../src/report/html/types.js';

function row(
  strategy: string,
  concurrency: number,
  limit: { min: number; max: number; mean: number; perWorker: boolean },
): ReportStrategy {
  return {
    strategy,
    name: strategy,
    concurrency,
    inFlight: 1,
    level: 'adaptive',
    wallMs: { median: 1, min: 1, max: 1, mean: 1, stddev: 0, runs: 1 },
    cpuMs: 1,
    peakRssBytes: 1,
    tasksPerSecond: 1,
    failed: 0,
    timeline: [],
    limit: { start: 4, ...limit, bounds: { min: 1, max: 1000 } },
  } as ReportStrategy;
}

test('an adaptive row is described in the terminal words: a limit that never moved stayed', () => {
  assert.equal(
    describeRow(row('async', 4, { min: 4, max: 4, mean: 4, perWorker: false })),
    'limit stayed at 4',
  );
  assert.equal(
    describeRow(row('async', 4, { min: 2, max: 90, mean: 17.3, perWorker: false })),
    'limit between 2 and 90, 17.3 on average',
  );
  assert.equal(
    describeRow(row('threads', 2, { min: 4, max: 13, mean: 7.82, perWorker: true })),
    '2 worker threads; tasks in flight per worker between 4 and 13, 7.82 on average',
  );
  assert.equal(
    describeRow(row('processes', 1, { min: 4, max: 4, mean: 4, perWorker: true })),
    '1 child process; tasks in flight per worker stayed at 4',
  );
});

test('the limit chart labels the bottom of every panel, latency included: no empty label', () => {
  const svg = limitSeriesChart([
    { start: 0, end: 100, limit: 4, done: 10, failed: 0, latencyMs: 30 },
    { start: 100, end: 200, limit: 8, done: 20, failed: 0, latencyMs: 40 },
  ]);
  assert.ok(svg !== undefined);
  assert.doesNotMatch(svg, /<text[^>]*><\/text>/);
  assert.equal(svg.match(/class="axis">0<\/text>/g)?.length, 3);
});

test("the figures table: a limit that never moved stayed; a failing row's rate is marked", () => {
  const still = row('async', 4, { min: 4, max: 4, mean: 4, perWorker: false });
  const failing = {
    ...row('async', 8, { min: 2, max: 9, mean: 5.5, perWorker: false }),
    name: 'async 8',
    failed: 3,
  };
  const html = figuresTable({
    title: 't',
    task: 't',
    inputs: 10,
    strategies: [still, failing],
    summary: [],
    warnings: [],
  });
  assert.match(html, /<span class="limit-figures">stayed at 4<\/span>/);
  assert.match(html, /<span class="limit-figures">2–9, mean 5\.50<\/span>/);
  assert.match(html, /<td>1\.00 \/s †<\/td>/);
  assert.equal(html.match(/ †</g)?.length, 1);
});
