/** `createExecutor({ strategy: 'auto' })`: the advisor picks on the first inputs, the executor runs them all. */
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

test('auto stream: the sample is read, the choice made, and every input yields exactly once', async () => {
  const executor = createExecutor<number, number>({ task: fixture('tiny.mjs'), strategy: 'auto' });
  try {
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < 50; i++) yield i;
    }
    const seen = new Set<number>();
    for await (const { index } of executor.stream(source())) {
      assert.ok(!seen.has(index), `index ${index} twice`);
      seen.add(index);
    }
    assert.equal(seen.size, 50);
    assert.notEqual(executor.strategy, 'auto');
    assert.ok(executor.choice);
  } finally {
    await executor.close();
  }
});

test('auto: close() before any call closes nothing and does not hang', async () => {
  const executor = createExecutor({ task: fixture('tiny.mjs'), strategy: 'auto' });
  await executor.close();
  assert.equal(executor.choice, undefined);
  await assert.rejects(executor.run(1), { name: 'ClosedError' });
});
