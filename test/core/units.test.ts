import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as units from '../../src/core/units.js';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatDurationRange,
  formatLongDuration,
  formatPercent,
  formatRate,
  formatRatio,
  formatSignificant,
  groupThousands,
} from '../../src/core/units.js';

const KIB = 1024;
const MIB = KIB * 1024;
const GIB = MIB * 1024;

test('numbers: thousands grouped, three significant figures, whole from 100 up', () => {
  assert.equal(groupThousands(100000), '100,000');
  assert.equal(groupThousands(-1234.5), '-1,234.5');
  assert.equal(groupThousands(999), '999');
  assert.equal(formatSignificant(4.2), '4.20');
  assert.equal(formatSignificant(37.71), '37.7');
  assert.equal(formatSignificant(0.012345), '0.0123');
  assert.equal(formatSignificant(99.94), '99.9');
  assert.equal(formatSignificant(99.95), '100');
  assert.equal(formatSignificant(812.4), '812');
  assert.equal(formatSignificant(1234.4), '1,234');
  assert.equal(formatSignificant(-4.2), '-4.20');
  assert.equal(formatSignificant(-1234.4), '-1,234');
  assert.equal(formatSignificant(0), '0');
  assert.equal(formatSignificant(Number.NaN), '—');
  assert.equal(formatSignificant(Number.NEGATIVE_INFINITY), '—');
});

test('durations: three significant figures in µs, ms or s, each unit from where the one below reads 1,000', () => {
  assert.equal(formatDuration(0.8124), '812 µs');
  assert.equal(formatDuration(0.035), '35.0 µs');
  assert.equal(formatDuration(0.9994), '999 µs');
  assert.equal(formatDuration(0.9996), '1.00 ms');
  assert.equal(formatDuration(4.2), '4.20 ms');
  assert.equal(formatDuration(45.64), '45.6 ms');
  assert.equal(formatDuration(999.4), '999 ms');
  assert.equal(formatDuration(999.5), '1.00 s');
  assert.equal(formatDuration(999.6), '1.00 s');
  assert.equal(formatDuration(1234), '1.23 s');
  assert.equal(formatDuration(75_300), '75.3 s');
  assert.equal(formatDuration(3_600_000), '3,600 s');
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(-45.64), '-45.6 ms');
  assert.equal(formatDuration(-1234), '-1.23 s');
  assert.equal(formatDuration(Number.NaN), '—');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '—');
});

test('long durations: the short form under a minute, then minutes and seconds, then hours and minutes', () => {
  assert.equal(formatLongDuration(950), '950 ms');
  assert.equal(formatLongDuration(15_000), '15.0 s');
  assert.equal(formatLongDuration(59_940), '59.9 s');
  assert.equal(formatLongDuration(59_950), '1 min 00 s');
  assert.equal(formatLongDuration(61_000), '1 min 01 s');
  assert.equal(formatLongDuration(125_000), '2 min 05 s');
  assert.equal(formatLongDuration(3_599_400), '59 min 59 s');
  assert.equal(formatLongDuration(3_599_500), '1 h 00 min');
  assert.equal(formatLongDuration(3_720_000), '1 h 02 min');
  assert.equal(formatLongDuration(26 * 3_600_000), '26 h 00 min');
  assert.equal(formatLongDuration(0), '0 ms');
  assert.equal(formatLongDuration(-125_000), '-2 min 05 s');
  assert.equal(formatLongDuration(Number.NaN), '—');
  assert.equal(formatLongDuration(Number.NEGATIVE_INFINITY), '—');
});

test('duration ranges say the unit once when both ends share it', () => {
  assert.equal(formatDurationRange(2530, 2730), '2.53–2.73 s');
  assert.equal(formatDurationRange(812, 950), '812–950 ms');
  assert.equal(formatDurationRange(812, 1200), '812 ms–1.20 s');
  assert.equal(formatDurationRange(0, 4.2), '0–4.20 ms');
  assert.equal(formatDurationRange(Number.NaN, 1), '—');
  assert.equal(formatDurationRange(1, Number.POSITIVE_INFINITY), '—');
});

test('bytes: 1024-based, IEC names, three significant figures', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1023), '1,023 B');
  assert.equal(formatBytes(1023.4), '1,023 B');
  assert.equal(formatBytes(1023.5), '1.00 KiB');
  assert.equal(formatBytes(1024), '1.00 KiB');
  assert.equal(formatBytes(2.5 * KIB), '2.50 KiB');
  assert.equal(formatBytes(1023 * KIB), '1,023 KiB');
  assert.equal(formatBytes(MIB - 1), '1.00 MiB');
  assert.equal(formatBytes(48.2 * MIB), '48.2 MiB');
  assert.equal(formatBytes(160 * MIB), '160 MiB');
  assert.equal(formatBytes(2.5 * GIB), '2.50 GiB');
  assert.equal(formatBytes(8 * GIB), '8.00 GiB');
  assert.equal(formatBytes(3 * GIB * KIB), '3.00 TiB');
  assert.equal(formatBytes(-2 * KIB), '-2.00 KiB');
  assert.equal(formatBytes(Number.NaN), '—');
  assert.equal(formatBytes(Number.POSITIVE_INFINITY), '—');
});

test('counts are whole, grouped numbers', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1000), '1,000');
  assert.equal(formatCount(99999.6), '100,000');
  assert.equal(formatCount(-1234), '-1,234');
  assert.equal(formatCount(Number.NaN), '—');
});

test('rates: three significant figures per second, with what is counted when asked', () => {
  assert.equal(formatRate(9.999), '10.0 /s');
  assert.equal(formatRate(8.91), '8.91 /s');
  assert.equal(formatRate(12_345.6), '12,346 /s');
  assert.equal(formatRate(0), '0 /s');
  assert.equal(formatRate(38.4, 'tasks'), '38.4 tasks/s');
  assert.equal(formatRate(1234, 'tasks'), '1,234 tasks/s');
  assert.equal(formatRate(Number.NaN), '—');
  assert.equal(formatRate(Number.POSITIVE_INFINITY, 'tasks'), '—');
});

test('percentages: whole, but one decimal for a share under 1 %', () => {
  assert.equal(formatPercent(0.973), '97 %');
  assert.equal(formatPercent(1), '100 %');
  assert.equal(formatPercent(0), '0 %');
  assert.equal(formatPercent(0.004), '0.4 %');
  assert.equal(formatPercent(0.0094), '0.9 %');
  assert.equal(formatPercent(0.0096), '1 %');
  assert.equal(formatPercent(-0.2), '-20 %');
  assert.equal(formatPercent(12.5), '1,250 %');
  assert.equal(formatPercent(undefined), '—');
  assert.equal(formatPercent(Number.NaN), '—');
});

test('ratios: three significant figures and a multiplication sign', () => {
  assert.equal(formatRatio(1.934), '1.93 ×');
  assert.equal(formatRatio(1), '1.00 ×');
  assert.equal(formatRatio(0.5), '0.500 ×');
  assert.equal(formatRatio(39.91), '39.9 ×');
  assert.equal(formatRatio(544.2), '544 ×');
  assert.equal(formatRatio(undefined), '—');
  assert.equal(formatRatio(Number.POSITIVE_INFINITY), '—');
});

test('every function can be embedded in a page on its own source: it names no module-level binding', () => {
  const names = new Set(Object.keys(units));
  // Evaluate every function's source in one scope that has nothing else: a stray reference would throw.
  const sources = Object.values(units).map((fn) => String(fn));
  const embedded = new Function(
    `${sources.join('\n')}\nreturn { ${[...names].join(', ')} };`,
  )() as typeof units;
  assert.equal(embedded.formatBytes(48.2 * MIB), '48.2 MiB');
  assert.equal(embedded.formatLongDuration(125_000), '2 min 05 s');
  assert.equal(embedded.formatDurationRange(812, 1200), '812 ms–1.20 s');
  assert.equal(embedded.formatRate(1234, 'tasks'), '1,234 tasks/s');
  assert.equal(embedded.formatPercent(0.004), '0.4 %');
  assert.equal(embedded.formatRatio(1.934), '1.93 ×');
  assert.equal(embedded.formatCount(1000), '1,000');
  for (const fn of Object.values(units)) assert.match(String(fn), new RegExp(`^function ${fn.name}\\(`));
});
