import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  JOB_TARGET_MS,
  jobSize,
  MAX_JOB_INPUTS,
  MAX_READ_AHEAD,
  nextItemMs,
  readAhead,
} from '../../src/strategies/distributed/sizing.js';

test('a job carries one input until the time per input is known, then about JOB_TARGET_MS of work', () => {
  assert.equal(jobSize(undefined, 1000, 16, undefined), 1);
  assert.equal(jobSize(1, 100_000, 16, undefined), JOB_TARGET_MS);
  assert.equal(jobSize(1000, 100_000, 16, undefined), 1, 'a long task travels alone');
  assert.equal(jobSize(0, 10_000_000, 16, undefined), MAX_JOB_INPUTS, 'a no-op task: the cap');
});

test('a job is never more than a fair share of what is left, nor more than is left', () => {
  assert.equal(jobSize(0.001, 160, 16, undefined), 10);
  assert.equal(jobSize(0.001, 3, 16, undefined), 1);
  assert.equal(jobSize(1, 0, 16, undefined), 1);
});

test('a job fills the tasks a worker runs at once, however long each takes, within a fair share', () => {
  assert.equal(jobSize(50, 10_000, 16, undefined), 1, 'one slot: a 50 ms task travels alone');
  assert.equal(jobSize(50, 10_000, 16, undefined, 64), 64, 'async on the worker: 64 downloads a job');
  assert.equal(jobSize(50, 80, 16, undefined, 64), 5, 'never more than a fair share of what is left');
  assert.equal(jobSize(undefined, 10_000, 16, undefined, 64), 1, 'until a job was timed, one input');
  assert.equal(readAhead(50, 16, 64), 16 * 64);
});

test('chunkSize fixes the inputs per job, within what is left', () => {
  assert.equal(jobSize(undefined, 1000, 16, 50), 50);
  assert.equal(jobSize(0.001, 20, 16, 50), 20);
});

test('the estimate starts at the first figure and follows later ones halfway', () => {
  assert.equal(nextItemMs(undefined, 100, 10), 10);
  assert.equal(nextItemMs(10, 40, 10), 7);
  assert.equal(nextItemMs(undefined, 5, 0), 5, 'a job of no inputs counts as one');
});

test('stream reads ahead enough for every job slot, and never past the documented 8,192', () => {
  assert.equal(readAhead(undefined, 16), 32);
  assert.equal(readAhead(10, 16), 80);
  assert.equal(readAhead(0.0001, 16), MAX_READ_AHEAD);
  assert.equal(MAX_READ_AHEAD, 8192);
});
