import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BATCH_TARGET_MS,
  batchSize,
  capacityHint,
  chunkSize,
  hasRoom,
  keepsEveryWorkerBusy,
  LONG_TASK_MS,
  MAX_BATCH,
  MAX_CHUNK,
  MAX_READ_AHEAD,
  mapMessages,
  mayPrefetch,
  nextItemMs,
  runMessages,
  workersToStart,
} from '../../src/strategies/pool/batching.js';

// Enough inputs left that the fair share does not bind.
const PLENTY = 100_000_000;

test('the constants the policy is documented with', () => {
  assert.equal(BATCH_TARGET_MS, 2);
  assert.equal(LONG_TASK_MS, 20);
  assert.equal(MAX_BATCH, 16_384);
  assert.equal(MAX_CHUNK, 262_144);
  assert.equal(MAX_READ_AHEAD, 8192);
});

test('chunkSize carries about 2 ms of work', () => {
  assert.equal(chunkSize(0.001, PLENTY, 2, undefined), 2000);
  assert.equal(chunkSize(0.5, PLENTY, 2, undefined), 4);
  assert.equal(chunkSize(1, PLENTY, 2, undefined), 2);
  assert.equal(chunkSize(1.5, PLENTY, 2, undefined), 2, 'rounded up');
  assert.equal(chunkSize(50, PLENTY, 2, undefined), 1, 'long tasks one at a time');
});

test('chunkSize is one until a task has been timed', () => {
  assert.equal(chunkSize(undefined, PLENTY, 2, undefined), 1);
});

test('chunkSize never exceeds MAX_CHUNK, even for tasks timed at 0 ms', () => {
  assert.equal(chunkSize(0.000_001, PLENTY, 2, undefined), MAX_CHUNK);
  assert.equal(chunkSize(0, PLENTY, 2, undefined), MAX_CHUNK);
});

test('chunkSize leaves every worker a share: at most ceil(remaining / (2 × workers))', () => {
  assert.equal(chunkSize(0.001, 1000, 2, undefined), 250);
  assert.equal(chunkSize(0.001, 1001, 2, undefined), 251, 'rounded up');
  assert.equal(chunkSize(0.001, 1000, 4, undefined), 125);
  assert.equal(chunkSize(0.001, 3, 8, undefined), 1, 'never less than one');
  assert.equal(chunkSize(0.001, 1, 2, undefined), 1);
  assert.equal(chunkSize(1, 1000, 2, undefined), 2, 'the time bound when it is the smaller');
});

test('a fixed chunkSize wins over the measurements, up to what is left', () => {
  assert.equal(chunkSize(0.001, PLENTY, 2, 7), 7);
  assert.equal(chunkSize(50, PLENTY, 2, 7), 7);
  assert.equal(chunkSize(undefined, PLENTY, 2, 7), 7);
  assert.equal(chunkSize(0.001, 5, 2, 7), 5);
  assert.equal(chunkSize(0.001, PLENTY, 2, 1_000_000), 1_000_000, 'not capped by MAX_CHUNK');
});

test('batchSize: about 2 ms of run calls per message, at most MAX_BATCH', () => {
  assert.equal(batchSize(undefined), 1);
  assert.equal(batchSize(1), 2);
  assert.equal(batchSize(0.3), 7);
  assert.equal(batchSize(50), 1);
  assert.equal(batchSize(0.001), 2000);
  assert.equal(batchSize(0.000_001), MAX_BATCH);
});

test('the task-time estimate starts at the first measurement', () => {
  assert.equal(nextItemMs(undefined, 5, 1), 5);
  assert.equal(nextItemMs(undefined, 10, 4), 2.5);
});

test('one odd single task moves the estimate 30% of the way', () => {
  assert.equal(nextItemMs(1, 11, 1), 4);
  assert.equal(nextItemMs(10, 1, 1), 7.3);
});

test('a message of several items weighs as that many measurements', () => {
  // 1 − 0.7⁸ of the way from 10 to 1.
  assert.equal(nextItemMs(10, 8, 8), 1.51883209);
});

test('a big chunk corrects a stale estimate at once', () => {
  // 64 items at 1 µs each after an estimate of 10 ms: within 1.3e-9 ms of the new measurement.
  assert.equal(nextItemMs(10, 0.064, 64), 0.0010000012196389463);
  // Past 64 items a message weighs no more: the weight is 1 to within 1e-9 already.
  assert.equal(nextItemMs(10, 1, 1000), 0.0010000012196389463);
});

test('hasRoom: one job at a time until a task has been timed', () => {
  assert.equal(hasRoom(undefined, 0), true);
  assert.equal(hasRoom(undefined, 1), false);
});

test('hasRoom: one job at a time for long tasks', () => {
  assert.equal(hasRoom(LONG_TASK_MS, 0), true);
  assert.equal(hasRoom(LONG_TASK_MS, 1), false);
  assert.equal(hasRoom(100, 1), false);
});

test('hasRoom: short tasks keep two batches (4 ms) queued per worker', () => {
  assert.equal(hasRoom(0.5, 0), true);
  assert.equal(hasRoom(0.5, 7), true, '3.5 ms queued');
  assert.equal(hasRoom(0.5, 8), false, '4 ms queued');
  assert.equal(hasRoom(19, 0), true);
  assert.equal(hasRoom(19, 1), false);
  assert.equal(hasRoom(0.001, 3999), true);
  assert.equal(hasRoom(0.001, 4000), false);
});

test('capacityHint: two per worker until a task has been timed', () => {
  assert.equal(capacityHint(undefined, 1), 2);
  assert.equal(capacityHint(undefined, 4), 8);
});

test('capacityHint: four batches per worker, never fewer than two', () => {
  assert.equal(capacityHint(1, 4), 32);
  assert.equal(capacityHint(0.5, 2), 32);
  assert.equal(capacityHint(50, 4), 8);
  assert.equal(capacityHint(3, 3), 9, 'ceil(8 / 3) = 3 per worker');
});

test('capacityHint: never more than MAX_READ_AHEAD', () => {
  assert.equal(capacityHint(0.001, 2), MAX_READ_AHEAD);
  assert.equal(capacityHint(0.003, 4), MAX_READ_AHEAD, '2667 per worker × 4 workers');
  assert.equal(capacityHint(0.002, 2), 8000, 'just under');
});

test('mapMessages: one input each while the map measures, else the chunks it is cut into', () => {
  assert.equal(mapMessages(undefined, 3, 12, undefined, true), 3);
  assert.equal(mapMessages(0.001, 3, 12, undefined, true), 3, 'probing ignores an earlier estimate');
  assert.equal(mapMessages(50, 40, 2, undefined, false), 40, 'long tasks: one per message');
  assert.equal(mapMessages(0.5, 100, 2, undefined, false), 25, 'chunks of 4');
  assert.equal(mapMessages(0.001, 1_000_000, 2, undefined, false), 500);
  assert.equal(mapMessages(undefined, 10, 2, 4, false), 3, 'a fixed chunk size');
  assert.equal(mapMessages(1, 0, 2, undefined, false), 0);
});

test('runMessages: run tasks share batches once a task has been timed', () => {
  assert.equal(runMessages(undefined, 3), 3);
  assert.equal(runMessages(0.001, 3), 1);
  assert.equal(runMessages(0.5, 9), 3);
  assert.equal(runMessages(1, 0), 0);
});

test('workersToStart: one per message beyond those the starting workers take, up to the size', () => {
  assert.equal(workersToStart(3, 0, 0, 12), 3, '3 inputs, concurrency 12: 3 workers');
  assert.equal(workersToStart(40, 0, 0, 2), 2);
  assert.equal(workersToStart(3, 3, 3, 12), 0, 'the starting workers will take them');
  assert.equal(workersToStart(5, 2, 3, 12), 3);
  assert.equal(workersToStart(100, 0, 2, 2), 0, 'never past the size');
  assert.equal(workersToStart(0, 0, 0, 4), 0);
});

test('mayPrefetch: a worker of long tasks, one per lane and nothing waiting, may hold the next', () => {
  assert.equal(mayPrefetch(70, 1, 1), true);
  assert.equal(mayPrefetch(70, 4, 4), true, 'K lanes, all running');
  assert.equal(mayPrefetch(70, 2, 1), false, 'one waits already');
  assert.equal(mayPrefetch(70, 0, 1), false, 'idle: hasRoom takes it');
  assert.equal(mayPrefetch(LONG_TASK_MS - 1, 1, 1), false, 'shorter tasks queue by hasRoom');
  assert.equal(mayPrefetch(undefined, 1, 1), false, 'not timed yet: one at a time');
});

test('keepsEveryWorkerBusy: nothing is held back near the end of a job', () => {
  assert.equal(keepsEveryWorkerBusy(3, 2), true);
  assert.equal(keepsEveryWorkerBusy(2, 2), false);
  assert.equal(keepsEveryWorkerBusy(0, 1), false);
});
