/**
 * `createExecutor({ strategy: 'auto' })`: the advisor picks on the first inputs, the executor runs them all
 * (which pick a waiting task gets is in executor-auto.timing.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExecutor } from '../../src/index.js';

const fixture = (name: string): URL => new URL(`../../../test/fixtures/advise/${name}`, import.meta.url);

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
