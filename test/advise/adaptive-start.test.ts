/** Under `auto`, a task that mostly waits starts at once under an adaptive limit: when, and from where (exact figures). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adaptiveStart } from '../../src/advise/adaptive-start.js';
import { sampleOf } from './figures.js';

test('a task that waits starts at HYBRID_FILL × what fills the loop, a power of two up, within the cap', () => {
  // 50 ms a task, 2.5 % on the loop: one loop keeps up with 40; 4 × 40 = 160 → 256.
  const start = adaptiveStart(sampleOf(50, 0.025), 256);
  assert.deepEqual(
    { initial: start?.initial, min: start?.min, max: start?.max, floorMs: start?.floorMs },
    { initial: 256, min: 1, max: 256, floorMs: 50 },
  );
  // 4 % on the loop: 25 fit; 4 × 25 = 100 → 128.
  assert.equal(adaptiveStart(sampleOf(50, 0.04), 256)?.initial, 128);
  // The user's limit (or the job's size) caps both the start and the bounds.
  const capped = adaptiveStart(sampleOf(50, 0.04), 40);
  assert.equal(capped?.initial, 40);
  assert.equal(capped?.max, 40);
});

test('its reason quotes the figures it follows from', () => {
  const reason = adaptiveStart(sampleOf(50, 0.04), 256)!.reason;
  assert.match(reason, /adaptive limit from 128 \(bounds 1–256\)/);
  assert.match(reason, /busy 4 % of each task/);
  assert.match(reason, /about 25 in flight/);
  assert.match(reason, /1\.5 × the sample's median, 50(\.0)? ms \(its mean was 50(\.0)? ms\)/);
});

test('not for a task the hybrid is probed first for, nor one that computes, nor a cap below 2', () => {
  assert.equal(adaptiveStart(sampleOf(50, 0.15), 256), null, 'one loop full at about 6.7: the hybrid first');
  assert.equal(adaptiveStart(sampleOf(50, 0.125), 256), null, 'full at 8 exactly: still the hybrid first');
  assert.equal(adaptiveStart(sampleOf(50, 0.5), 256), null, 'mixed');
  assert.equal(adaptiveStart(sampleOf(50, 1), 256), null, 'computes');
  assert.equal(adaptiveStart(sampleOf(50, 0.01), 1), null, 'one in flight at most: nothing to adapt');
});
