import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packNumbers } from '../../src/core/pack.js';

test('packNumbers keeps every number exactly, NaN, -0 and infinities included', () => {
  const values = [
    0,
    -0,
    1.5,
    -(2 ** 53),
    2 ** 53 + 2,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.MIN_VALUE,
  ];
  const packed = packNumbers(values);
  assert.ok(packed instanceof Float64Array, 'fractions, -0, NaN and big integers need doubles');
  assert.equal(packed.length, values.length);
  for (let i = 0; i < values.length; i++) assert.ok(Object.is(packed[i], values[i]), `index ${i}`);
});

test('packNumbers sends small integers as an Int32Array, so tasks get small integers back', () => {
  const values = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 60_000_000];
  const packed = packNumbers(values);
  assert.ok(packed instanceof Int32Array);
  assert.deepEqual([...packed], values);
  assert.ok(packNumbers([1, 2 ** 31]) instanceof Float64Array, 'past int32');
  assert.ok(packNumbers([1, -0]) instanceof Float64Array, '-0 must stay -0');
});

test('packNumbers refuses arrays holding anything but numbers', () => {
  assert.equal(packNumbers([1, 2, '3']), null);
  assert.equal(packNumbers([1, 2n]), null);
  assert.equal(packNumbers([1, undefined]), null);
  // A hole reads as undefined: it must not become NaN.
  assert.equal(packNumbers(new Array(3)), null);
});
