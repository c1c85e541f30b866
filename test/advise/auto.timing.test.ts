/**
 * `chooseStrategy`, what `strategy: 'auto'` runs: it picks from the first inputs and says why.
 * Timing tier: the pick hangs on the times measured.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoSampleSize, chooseStrategy } from '../../src/advise/auto.js';
import { createExecutor } from '../../src/index.js';

const fixture = (name: string): URL => new URL(`../../../test/fixtures/advise/${name}.mjs`, import.meta.url);

test('auto on a waiting task picks async, and the choice runs the whole job', async () => {
  const inputs = Array.from({ length: 400 }, () => 20);
  const sample = inputs.slice(0, autoSampleSize(inputs.length));
  const choice = await chooseStrategy({ task: fixture('sleep'), sample, total: inputs.length });
  assert.equal(choice.strategy, 'async');
  assert.ok(choice.concurrency > 1);
  assert.equal(choice.advice.verdict.kind, 'io-bound');
  assert.ok(choice.advice.verdict.reasons.length > 0);
  assert.equal(choice.advice.measurements.total, 400);
  const executor = createExecutor({
    task: fixture('sleep'),
    strategy: choice.strategy,
    concurrency: choice.concurrency,
  });
  try {
    assert.equal((await executor.map(inputs)).length, 400);
  } finally {
    await executor.close();
  }
});

test('auto on a tiny job stays sequential, and says it is too small', async () => {
  const choice = await chooseStrategy({ task: fixture('tiny'), sample: [1, 2, 3, 4, 5] });
  assert.equal(choice.strategy, 'sequential');
  assert.equal(choice.concurrency, 1);
  assert.equal(choice.advice.verdict.kind, 'too-small');
});
