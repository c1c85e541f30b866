import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMeanSigma, formatRange, verdictLine } from '../../src/report/model.js';
import { createStyle } from '../../src/report/style.js';
import { alignColumns, renderComparison, renderSummary, renderTable } from '../../src/report/table.js';
import { sampleComparison } from './sample.js';

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[`);
const ANSI_CODES = new RegExp(`${ESC}\\[\\d+m`, 'g');

test('the table: a header and one aligned row per strategy, numbers on the right', () => {
  const lines = renderTable(sampleComparison()).trimEnd().split('\n');
  assert.equal(lines.length, 5);
  assert.match(
    lines[0]!,
    /^strategy\s+concurrency\s+wall \(median\)\s+mean ± σ\s+min … max\s+CPU\s+peak RSS/,
  );
  // mean ± σ (sample standard deviation) of the runs, hyperfine-style: 3,860, 3,900, 3,880 ms.
  assert.match(
    lines[1]!,
    /^sequential\s+1\s+3\.88 s\s+3\.88 s ± 20\.0 ms\s+3\.86 s … 3\.90 s\s+3\.85 s\s+52\.0 MiB\s+5\.15 \/s\s+1\.00 ×\s+100 %$/,
  );
  // 2,000, 2,010, 2,700 ms: the mean sits well above the median, and σ says how far the runs spread.
  assert.match(
    lines[3]!,
    /^threads\s+2\s+2\.01 s\s+2\.24 s ± 401 ms\s+2\.00 s … 2\.70 s\s+3\.95 s\s+88\.0 MiB\s+9\.95 \/s\s+1\.93 ×\s+97 %$/,
  );
  // Every row ends at the same column: right-aligned efficiency.
  assert.equal(new Set(lines.map((line) => line.length)).size, 1);
  assert.doesNotMatch(lines.join(''), ANSI);
});

test('the summary: the fastest against each other strategy, hyperfine-style', () => {
  assert.deepEqual(renderSummary(sampleComparison()).trimEnd().split('\n'), [
    'threads ran 1.93 × faster than sequential',
    'threads ran 1.94 × faster than async',
    'threads ran 1.05 × faster than processes (the runs overlap: no clear difference)',
  ]);
});

test('colour only when the style has it, and never skewing the columns', () => {
  const c = sampleComparison();
  const coloured = renderTable(c, createStyle(true));
  assert.match(coloured, ANSI);
  assert.equal(coloured.replace(ANSI_CODES, ''), renderTable(c));
});

test('the whole report: title, table, warnings, failures, mismatches, summary, verdict', () => {
  const text = renderComparison(sampleComparison({ failed: 2, mismatch: true }));
  assert.match(
    text,
    /^\/home\/me\/task\.mjs · 20 inputs · 3 runs each after 1 warm-up · 2 cores · Node v20\.20\.2/,
  );
  assert.match(text, /threads: 2 of 20 inputs failed\n {2}input 3: task failed on input 3/);
  assert.match(
    text,
    /results differ from sequential's in 1 outcome across 3 runs, on 1 of 20 inputs \(an input that failed under one and not the other, listed above; /,
  );
  assert.match(text, /input 7 under processes \(run 1\): 141n; sequential: 140n/);
  assert.match(text, /warning: threads: runs varied widely \(the slowest took 1\.35 × the fastest\)/);
  assert.match(text, /\n\nprocesses ran 1\.84 × faster than sequential\n/);
  assert.match(
    text,
    /processes ran 1\.05 × slower than threads \(threads: 2 of 20 inputs failed\) \(the runs overlap: no clear difference\)\n\nVerdict: processes is fastest, [^\n]*\n$/,
  );
});

test('alignColumns pads left and right', () => {
  assert.deepEqual(
    alignColumns(
      [
        ['a', '1'],
        ['bbb', '100'],
      ],
      new Set([1]),
    ),
    ['a      1', 'bbb  100'],
  );
});

test('the min … max column: both ends in full', () => {
  assert.equal(formatRange(1200, 1310), '1.20 s … 1.31 s');
});

test('one run has no spread: mean ± σ shows a dash', () => {
  assert.equal(formatMeanSigma({ mean: 1200, stddev: 0, count: 1 }), '—');
  assert.equal(formatMeanSigma({ mean: 1240, stddev: 31, count: 3 }), '1.24 s ± 31.0 ms');
});

test('the verdict line names the figures that decide it, and no winner where the runs overlap', () => {
  const c = sampleComparison();
  // threads' slowest run (2.70 s) is slower than processes' fastest (2.10 s): no winner.
  assert.equal(
    verdictLine(c),
    "Verdict: no clear winner by wall time: threads has the lowest median (median wall time 2.01 s against 2.11 s for processes, the next fastest), but its runs (2.00 s … 2.70 s) overlap processes' (2.10 s … 2.12 s); more runs (--runs) or a quieter machine can tell them apart.",
  );
  const clear = { ...c, strategies: c.strategies.filter((s) => s.strategy !== 'processes') };
  clear.strategies = clear.strategies.map((s) =>
    s.strategy === 'threads' ? { ...s, wallMs: { ...s.wallMs, max: 2100 } } : s,
  );
  assert.equal(
    verdictLine(clear),
    "Verdict: threads is fastest, decided by wall time: median wall time 2.01 s against 3.88 s for sequential, the next fastest; and its slowest run (2.10 s) beat every other configuration's fastest run (min … max).",
  );
  assert.match(renderComparison(c), /\nVerdict: no clear winner by wall time: /);
  assert.equal(verdictLine({ ...c, strategies: [c.strategies[0]!] }), undefined);
});
