/** The advisor's words that are not units: counts and the choice by bounds (exact wording). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startupMs } from '../../src/advise/choose.js';
import { WORKER_START_FLOOR_MS } from '../../src/advise/thresholds.js';
import type { Projection } from '../../src/advise/types.js';
import { boundChoiceReason, inputCount, startingThreads } from '../../src/advise/words.js';

test('inputCount: singular for one, grouped digits', () => {
  assert.equal(inputCount(1), '1 input');
  assert.equal(inputCount(3), '3 inputs');
  assert.equal(inputCount(1000), '1,000 inputs');
});

test('a choice by bounds names the rule, the bound and sequential, in one sentence', () => {
  // The trial: 200 inputs of about 29.9 ms, threads at 2 bounded at 3.18 s.
  const projections: Projection[] = [
    { strategy: 'threads', concurrency: 2, wallMs: 3180, basis: 'bound' },
    { strategy: 'sequential', concurrency: 1, wallMs: 5985, basis: 'probe' },
  ];
  assert.equal(
    boundChoiceReason(projections, 200, 29.9),
    'Nothing but the sample was measured within the budget, so the shortest projection is chosen: threads at 2 ' +
      'would take at least 3.18 s for the 200 inputs (its start-up measured, a perfect speed-up assumed), against ' +
      "about 5.99 s sequentially (200 inputs × 29.9 ms, the sample's mean, and loading the module once). A larger " +
      'budget measures it.',
  );
});

test('where sequential is the shortest projection, it says so against the best bound', () => {
  const projections: Projection[] = [
    { strategy: 'sequential', concurrency: 1, wallMs: 120, basis: 'probe' },
    { strategy: 'threads', concurrency: 2, wallMs: 260, basis: 'bound' },
  ];
  assert.equal(
    boundChoiceReason(projections, 1, 115),
    'Nothing but the sample was measured within the budget. The job would take about 120 ms sequentially ' +
      "(1 input × 115 ms, the sample's mean, and loading the module once), no longer than the best bound, " +
      "threads at 2's 260 ms (its start-up measured, a perfect speed-up assumed): sequential is chosen. A larger " +
      'budget measures more.',
  );
});

test('a thread start-up begun beside the sample is the rest of one: said so, and new workers cost a whole start', () => {
  assert.equal(startingThreads(false), 'starting a worker thread');
  assert.equal(startingThreads(true), 'what was left of starting the worker threads after the sample');
  const whole = { inProcessMs: 0, threadsMs: 3, processesMs: null };
  assert.equal(startupMs('threads', 4, whole, 2), 6, 'two batches of a whole start each');
  // The held batch pays the rest; the second starts anew, at least the floor of a worker's start.
  assert.equal(startupMs('threads', 4, { ...whole, threadsRest: true }, 2), 3 + WORKER_START_FLOOR_MS);
  assert.equal(startupMs('threads', 2, { ...whole, threadsRest: true }, 2), 3);
});
