/**
 * `createExecutor({ strategy: 'auto' })` on a waiting task: the advisor picks async on the first inputs,
 * the executor runs them all. Timing tier: the pick hangs on the times measured.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExecutor } from '../../src/index.js';

const fixture = (name: string): URL => new URL(`../../../test/fixtures/advise/${name}`, import.meta.url);

test('auto map: a waiting task runs under async, every result in order, the choice and its reasons exposed', async () => {
  const executor = createExecutor<number, number>({ task: fixture('sleep.mjs'), strategy: 'auto' });
  try {
    assert.equal(executor.strategy, 'auto');
    const inputs = Array.from({ length: 60 }, () => 20);
    const results = await executor.map(inputs);
    assert.deepEqual(results, inputs);
    assert.equal(executor.strategy, 'async');
    assert.equal(executor.choice?.strategy, 'async');
    assert.equal(executor.choice?.advice.verdict.kind, 'io-bound');
    assert.ok((executor.choice?.advice.verdict.reasons.length ?? 0) > 0);
    assert.equal(executor.concurrency, executor.choice?.concurrency);
  } finally {
    await executor.close();
  }
});
