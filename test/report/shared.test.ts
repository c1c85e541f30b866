import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  firstEndingAfter,
  float32Column,
  formatCount,
  formatDuration,
  formatSignificant,
  formatTick,
  groupThousands,
  laneLayout,
  niceStep,
  taskAt,
  ticksBetween,
  timeUnit,
  uint32Column,
} from '../../src/report/html/shared.js';

test('numbers: grouped thousands and three significant digits', () => {
  assert.equal(groupThousands(100000), '100,000');
  assert.equal(groupThousands(-1234.5), '-1,234.5');
  assert.equal(formatSignificant(37.71), '37.7');
  assert.equal(formatSignificant(4.2), '4.20');
  assert.equal(formatSignificant(1234.4), '1,234');
  assert.equal(formatSignificant(Number.NaN), '—');
  assert.equal(formatCount(99999.6), '100,000');
});

test('durations read in the unit that fits', () => {
  assert.equal(formatDuration(37_700), '37.7 s');
  assert.equal(formatDuration(812.4), '812 ms');
  assert.equal(formatDuration(4.2), '4.20 ms');
  assert.equal(formatDuration(0.035), '35.0 µs');
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '—');
});

test('axis ticks are round and free of floating-point dust', () => {
  assert.equal(niceStep(10, 5), 2);
  assert.equal(niceStep(2600, 8), 500);
  assert.equal(niceStep(0.3, 3), 0.1);
  assert.deepEqual(ticksBetween(0, 1, 0.2), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticksBetween(0.15, 0.75, 0.2), [0.2, 0.4, 0.6]);
  assert.deepEqual(ticksBetween(0, 1, 0), []);
  assert.deepEqual(timeUnit(61_500), { divisor: 1000, unit: 's' });
  assert.deepEqual(timeUnit(184), { divisor: 1, unit: 'ms' });
  assert.equal(timeUnit(1.5).unit, 'µs');
  assert.equal(formatTick(2500, 1000, 500), '2.5');
  assert.equal(formatTick(40_000, 1000, 5000), '40');
  assert.equal(formatTick(1500, 1, 500), '1,500');
});

test('lanes are roomy when few and thin when many, within a bounded height', () => {
  assert.deepEqual(laneLayout(2), { laneHeight: 22, plotHeight: 44 });
  assert.equal(laneLayout(64).plotHeight, 360);
  const many = laneLayout(10_000);
  assert.ok(many.plotHeight <= 640);
  assert.ok(Math.abs(many.laneHeight * 10_000 - many.plotHeight) < 1e-6);
});

// One lane: [0,10] [12,20] [20,30] [40,41]
const starts = [0, 12, 20, 40];
const durations = [10, 8, 10, 1];

test('hit-testing finds the bar under the pointer by binary search', () => {
  assert.equal(taskAt(starts, durations, 0, 4, 5, 0), 0);
  assert.equal(taskAt(starts, durations, 0, 4, 20, 0), 2, 'a boundary belongs to the task that starts there');
  assert.equal(taskAt(starts, durations, 0, 4, 35, 1), -1, 'nothing within tolerance');
  assert.equal(taskAt(starts, durations, 0, 4, 38.5, 2), 3, 'the nearest within tolerance');
  assert.equal(taskAt(starts, durations, 0, 4, 11, 1.5), 0, 'ties go to the earlier');
  assert.equal(taskAt(starts, durations, 0, 4, -1, 0.5), -1);
  assert.equal(taskAt(starts, durations, 1, 3, 5, 3), -1, 'only within the lane’s range');
});

test('drawing starts from the first task that ends in view', () => {
  assert.equal(firstEndingAfter(starts, durations, 0, 4, 0), 0);
  assert.equal(firstEndingAfter(starts, durations, 0, 4, 11), 1);
  assert.equal(firstEndingAfter(starts, durations, 0, 4, 30), 2);
  assert.equal(firstEndingAfter(starts, durations, 0, 4, 50), 4);
});

test('columns decode from little-endian base64', () => {
  const floats = Buffer.alloc(8);
  floats.writeFloatLE(1.5, 0);
  floats.writeFloatLE(-2, 4);
  assert.deepEqual([...float32Column(floats.toString('base64'))], [1.5, -2]);
  const ints = Buffer.alloc(8);
  ints.writeUInt32LE(7, 0);
  ints.writeUInt32LE(0xffffffff, 4);
  assert.deepEqual([...uint32Column(ints.toString('base64'))], [7, 0xffffffff]);
});
