import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Settled } from '../../src/core/types.js';
import {
  collectFailures,
  countFailed,
  mismatchedIndices,
  PREVIEW_LENGTH,
  preview,
  previewOutcome,
  sameOutcome,
} from '../../src/measure/outcomes.js';
import type { FailureSample } from '../../src/measure/types.js';

const ok = (index: number, value: unknown): Settled<unknown> => ({ index, status: 'fulfilled', value });
const bad = (index: number, message: string): Settled<unknown> => ({
  index,
  status: 'rejected',
  reason: new Error(message),
});

test('BigInts compare as values, objects deeply', () => {
  assert.ok(sameOutcome(ok(0, 2n ** 70n), ok(0, 2n ** 70n)));
  assert.ok(!sameOutcome(ok(0, 2n ** 70n), ok(0, 2n ** 70n + 1n)));
  assert.ok(sameOutcome(ok(0, { a: [1, { b: 2n }] }), ok(0, { a: [1, { b: 2n }] })));
  assert.ok(!sameOutcome(ok(0, 1), ok(0, '1')));
});

test('two errors agree whatever their messages; an error and a value do not', () => {
  assert.ok(sameOutcome(bad(0, 'worker 1 said no'), bad(0, 'worker 2 said no')));
  assert.ok(!sameOutcome(bad(0, 'x'), ok(0, undefined)));
});

test('mismatchedIndices lists the differing inputs in order', () => {
  const expected = [ok(0, 1), ok(1, 2), ok(2, 3), bad(3, 'e')];
  const actual = [ok(0, 1), ok(1, 20), ok(2, 3), ok(3, 4)];
  assert.deepEqual(mismatchedIndices(expected, actual), [1, 3]);
});

test('previews keep BigInts readable and stay short', () => {
  assert.equal(preview(5n), '5n');
  assert.equal(preview({ a: 'x' }), "{ a: 'x' }");
  const long = preview('y'.repeat(500));
  assert.equal(long.length, PREVIEW_LENGTH);
  assert.ok(long.endsWith('…'));
  assert.equal(previewOutcome(bad(0, 'boom')), 'error: boom');
});

test('failures: counted, and sampled with distinct messages up to a limit', () => {
  const outcomes = [bad(0, 'a'), ok(1, 1), bad(2, 'a'), bad(3, 'b'), bad(4, 'c')];
  assert.equal(countFailed(outcomes), 4);
  const samples: FailureSample[] = [];
  collectFailures(outcomes, samples, 2);
  assert.deepEqual(samples, [
    { index: 0, message: 'a' },
    { index: 3, message: 'b' },
  ]);
});
