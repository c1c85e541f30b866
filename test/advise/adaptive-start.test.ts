/** Under `auto`, a task that mostly waits starts at once under an adaptive limit: when, and from where (exact figures). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adaptiveStart } from '../../src/advise/adaptive-start.js';
import { sampleOf } from './figures.js';

test('a task that waits starts at ADAPTIVE_START_FILL × what fills the loop, rounded up, within the cap', () => {
  // 50 ms a task, 4 % on the loop: one loop keeps up with 25; 16 × 25 = 400, capped at 256.
  const start = adaptiveStart(sampleOf(50, 0.04), 256);
  assert.deepEqual(
    { initial: start?.initial, min: start?.min, max: start?.max, floorMs: start?.floorMs },
    { initial: 256, min: 1, max: 256, floorMs: 50 },
  );
  // 10 % on the loop: 10 fit; 16 × 10 = 160, under the cap.
  assert.equal(adaptiveStart(sampleOf(50, 0.1), 256)?.initial, 160);
  // 12 % on the loop: 8.33 fit; 16 × 8.33 = 133.3, rounded up.
  assert.equal(adaptiveStart(sampleOf(50, 0.12), 1000)?.initial, 134);
  // The user's limit (or the job's size) caps both the start and the bounds.
  const capped = adaptiveStart(sampleOf(50, 0.04), 40);
  assert.equal(capped?.initial, 40);
  assert.equal(capped?.max, 40);
});

test('its reason quotes the figures it follows from', () => {
  const reason = adaptiveStart(sampleOf(50, 0.1), 256)!.reason;
  assert.match(reason, /adaptive limit from 160 \(bounds 1–256\)/);
  assert.match(reason, /busy 10 % of each task/);
  assert.match(reason, /about 10 in flight/);
  assert.match(reason, /16 × that, rounded up \(capped at 256\)/);
  assert.match(
    reason,
    /first 2 round trips unjudged \(each as long as the job's first task to succeed took, at least the sample's median, 50(\.0)? ms, at most 16 × it; its mean was 50(\.0)? ms\)/,
  );
  assert.match(reason, /above 1\.5 × that median/);
});

test('not for a task the hybrid is probed first for, nor one that computes, nor a cap below 2', () => {
  assert.equal(adaptiveStart(sampleOf(50, 0.15), 256), null, 'one loop full at about 6.7: the hybrid first');
  assert.equal(adaptiveStart(sampleOf(50, 0.125), 256), null, 'full at 8 exactly: still the hybrid first');
  assert.equal(adaptiveStart(sampleOf(50, 0.5), 256), null, 'mixed');
  assert.equal(adaptiveStart(sampleOf(50, 1), 256), null, 'computes');
  assert.equal(adaptiveStart(sampleOf(50, 0.01), 1), null, 'one in flight at most: nothing to adapt');
});
