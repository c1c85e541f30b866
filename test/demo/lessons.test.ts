/** The demo's words follow from its figures: no winner named where the runs overlap, no "0.83 × faster". */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuLessons, inShort, ioLessons } from '../../src/demo/lessons.js';
import type { Comparison } from '../../src/measure/types.js';
import { clearWinner, fasterOrSlower } from '../../src/report/model.js';
import { sampleComparison } from '../report/sample.js';

/** The sample with processes' runs moved so that threads clearly wins, or made to lose overall. */
function withWalls(c: Comparison, strategy: string, min: number, median: number, max: number): Comparison {
  return {
    ...c,
    strategies: c.strategies.map((s) =>
      s.strategy === strategy ? { ...s, wallMs: { ...s.wallMs, min, median, max } } : s,
    ),
  };
}

test('fasterOrSlower: a ratio below 1 is said as slower', () => {
  assert.equal(fasterOrSlower(1.93), '1.93 × faster');
  assert.equal(fasterOrSlower(0.83), '1.20 × slower');
  assert.equal(fasterOrSlower(1), '1.00 × faster');
});

test('clearWinner: only when the fastest slowest run beat every other fastest run', () => {
  const overlapping = sampleComparison(); // threads 2000–2700 against processes 2100–2120
  assert.equal(overlapping.fastest, 'threads');
  assert.equal(clearWinner(overlapping), undefined);
  const clear = withWalls(overlapping, 'processes', 2800, 2900, 3000);
  assert.equal(clearWinner(clear)?.strategy, 'threads');
});

test('inShort names a model only where its runs say so, and says what to do otherwise', () => {
  const overlapping = sampleComparison();
  const clear = withWalls(overlapping, 'processes', 2800, 2900, 3000);
  assert.equal(
    inShort(clear, overlapping),
    "waiting work wants threads; the computing job's runs overlap, so they cannot say which model wins " +
      '(try more --runs on a quieter machine).',
  );
  assert.equal(inShort(clear, clear), 'waiting work wants threads; computing work wants threads.');
});

test('a busy machine is named as such, not read as a property of the work', () => {
  const c = sampleComparison();
  const busy: Comparison = {
    ...c,
    strategies: c.strategies.map((s) => (s.strategy === 'sequential' ? { ...s, coresBusy: 0.41 } : s)),
  };
  // …and the In short line draws no conclusion from it, even where the runs name a winner.
  const clearButBusy = withWalls(busy, 'processes', 2800, 2900, 3000);
  assert.ok(clearWinner(clearButBusy));
  assert.match(
    inShort(clearButBusy, clearButBusy),
    /; the computing job ran on a busy machine \(sequential kept only 0\.410 cores busy\), so it cannot say which model wins \(try again on a quieter machine\)\.$/,
  );
  const first = cpuLessons(busy, 2)[0]!;
  assert.match(first, /^Sequential kept only 0\.410 cores busy .* other programs were taking the CPU/);
  assert.doesNotMatch(first, /pure computation/);
  assert.match(cpuLessons(c, 2)[0]!, /^The work is pure computation/);
  const slowAsync: Comparison = {
    ...c,
    strategies: c.strategies.map((s) => (s.strategy === 'async' ? { ...s, speedup: 0.83 } : s)),
  };
  const asyncLine = ioLessons(slowAsync).find((line) => line.startsWith('async'))!;
  assert.match(asyncLine, /ran 1\.20 × slower than sequential: it should not have lost/);
});
