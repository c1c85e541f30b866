import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatBytes,
  formatDuration,
  formatPercent,
  formatRange,
  formatRate,
  formatRatio,
} from '../../src/report/format.js';

test('durations: three significant figures in s, ms or µs', () => {
  assert.equal(formatDuration(1234), '1.23 s');
  assert.equal(formatDuration(45.64), '45.6 ms');
  assert.equal(formatDuration(999.6), '1.00 s');
  assert.equal(formatDuration(0.9996), '1.00 ms');
  assert.equal(formatDuration(0.8124), '812 µs');
  assert.equal(formatDuration(Number.NaN), '—');
});

test('bytes in binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(48.2 * 1024 * 1024), '48.2 MB');
  assert.equal(formatBytes(160 * 1024 * 1024), '160 MB');
  assert.equal(formatBytes(2.5 * 1024 ** 3), '2.50 GB');
});

test('rates, ratios, percentages, ranges; rounding never adds a digit', () => {
  assert.equal(formatRate(9.999), '10.0');
  assert.equal(formatRate(8.91), '8.91');
  assert.equal(formatRate(12_345.6), '12,346');
  assert.equal(formatRatio(1.934), '1.93 ×');
  assert.equal(formatRatio(39.91), '39.9 ×');
  assert.equal(formatRatio(544.2), '544 ×');
  assert.equal(formatRatio(undefined), '—');
  assert.equal(formatPercent(0.973), '97 %');
  assert.equal(formatPercent(undefined), '—');
  assert.equal(formatRange(1200, 1310), '1.20 s … 1.31 s');
});
