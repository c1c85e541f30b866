import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  mad,
  max,
  mean,
  median,
  min,
  modifiedZScores,
  OUTLIER_SCORE,
  spreadWarnings,
  stddev,
  summarize,
  WIDE_SPREAD_RATIO,
} from '../../src/measure/stats.js';

const close = (actual: number, expected: number, epsilon = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= epsilon, `expected ${expected}, got ${actual}`);

test('median of odd and even counts, unsorted input left untouched', () => {
  const samples = [5, 1, 3];
  assert.equal(median(samples), 3);
  assert.deepEqual(samples, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

test('mean, min, max', () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.equal(min([3, -1, 2]), -1);
  assert.equal(max([3, -1, 2]), 3);
});

test('stddev is the sample standard deviation (n − 1)', () => {
  // The textbook set: mean 5, sum of squared deviations 32, n − 1 = 7.
  close(stddev([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
  close(stddev([1, 2, 3]), 1);
  assert.equal(stddev([42]), 0);
});

test('summarize gathers every figure', () => {
  const s = summarize([10, 30, 20]);
  assert.deepEqual(
    { ...s, stddev: Math.round(s.stddev) },
    {
      median: 20,
      min: 10,
      max: 30,
      mean: 20,
      stddev: 10,
      count: 3,
    },
  );
});

test('no samples is an error, not NaN', () => {
  assert.throws(() => median([]), RangeError);
  assert.throws(() => summarize([]), RangeError);
});

test('MAD and modified z-scores', () => {
  // median 3; deviations 2, 1, 0, 1, 97 → MAD 1.
  const samples = [1, 2, 3, 4, 100];
  assert.equal(mad(samples), 1);
  const scores = modifiedZScores(samples);
  close(scores[2]!, 0);
  close(scores[4]!, 97 / 1.4826);
  close(scores[0]!, -2 / 1.4826);
  // MAD 0: equal samples score 0, any other ±Infinity.
  assert.deepEqual(modifiedZScores([5, 5, 5, 6]), [0, 0, 0, Number.POSITIVE_INFINITY]);
});

test('no warnings for steady runs, and none from a single run', () => {
  assert.deepEqual(spreadWarnings([100, 101, 102, 100]), []);
  assert.deepEqual(spreadWarnings([100]), []);
});

test('a wide spread: max / min above the threshold', () => {
  const warnings = spreadWarnings([100, 100 * WIDE_SPREAD_RATIO + 10]);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.kind, 'wide-spread');
  close((warnings[0] as { ratio: number }).ratio, 1.35);
  assert.deepEqual(spreadWarnings([100, 100 * WIDE_SPREAD_RATIO]), []);
});

test('a slow first run is named as such, not as a plain outlier', () => {
  const warnings = spreadWarnings([300, 100, 101, 102]);
  assert.deepEqual(
    warnings.map((w) => w.kind),
    ['wide-spread', 'slow-first-run'],
  );
  assert.deepEqual(warnings[1], { kind: 'slow-first-run', first: 300, median: 101.5 });
});

test('an outlier later on is counted', () => {
  // median 100.5, MAD 0.5: 200 scores far above OUTLIER_SCORE.
  const samples = [100, 101, 200, 100, 101];
  assert.ok(modifiedZScores(samples)[2]! > OUTLIER_SCORE);
  assert.deepEqual(
    spreadWarnings(samples).find((w) => w.kind === 'outliers'),
    { kind: 'outliers', count: 1 },
  );
});

test('tiny differences between identical runs are not outliers (MAD 0)', () => {
  assert.deepEqual(spreadWarnings([100.4, 100, 100, 100]), []);
});
