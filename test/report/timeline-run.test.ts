/** Which run a timeline is of (said as chosen), and the start-up before its first task, on the picture. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeTimeline } from '../../src/report/html/encode.js';
import { renderHtmlReport } from '../../src/report/html/index.js';
import { comparisonSection, reportData, representative } from '../../src/report/sections.js';
import { sampleComparison } from './sample.js';

test('odd runs: the median run; even runs: the faster of the two middle runs, said so; one run: the only one', () => {
  const c = sampleComparison();
  const threads = c.strategies.find((s) => s.strategy === 'threads')!;
  // Walls 2,000, 2,010 and 2,700 ms: the median run is the 2,010 ms one (run 2).
  const odd = representative(threads)!;
  assert.equal(odd.run.wallMs, 2010);
  assert.equal(odd.choice, 'run 2 of 3, the median run');

  const even = { ...threads, runs: threads.runs.concat({ ...threads.runs[0]!, run: 4, wallMs: 2100 }) };
  even.wallMs = { ...threads.wallMs, median: (2010 + 2100) / 2 };
  const picked = representative(even)!;
  assert.equal(picked.run.wallMs, 2010);
  assert.equal(
    picked.choice,
    'run 2 of 4, the faster of the two middle runs (2.01 s and 2.10 s; the median, 2.06 s, is their mean)',
  );

  const single = representative({ ...threads, runs: [threads.runs[0]!] })!;
  assert.equal(single.choice, 'the only run');
});

test("a timeline starts at its run's start: the start-up before the first task is part of it", () => {
  const entries = [
    { workerId: 1, index: 0, start: 1_000_400, end: 1_000_500 },
    { workerId: 2, index: 1, start: 1_000_420, end: 1_000_520 },
  ];
  const withRun = encodeTimeline('threads', entries, 1_000_000)!;
  assert.equal(withRun.originMs, 1_000_000);
  assert.equal(withRun.fromRunStart, true);
  assert.equal(withRun.startupMs, 400);
  assert.equal(withRun.spanMs, 520);

  const without = encodeTimeline('threads', entries)!;
  assert.deepEqual(
    [without.originMs, without.startupMs, without.spanMs, without.fromRunStart],
    [1_000_400, 0, 120, false],
  );

  // A worker's clock a hair behind the run's: the first task "before" the run start is the origin.
  const skewed = encodeTimeline('threads', entries, 1_000_401)!;
  assert.deepEqual([skewed.originMs, skewed.startupMs], [1_000_400, 0]);
});

test("the report's timeline caption names the run drawn and its start-up", () => {
  const html = renderHtmlReport(reportData('t', [comparisonSection(sampleComparison())]));
  assert.match(
    html,
    /the first [\d.]+ \w+ start-up before the first task · run 2 of 3, the median run<\/figcaption>/,
  );
  assert.match(html, /<th scope="col" title="[^"]*">mean ± σ<\/th>/);
});
