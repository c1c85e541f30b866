/**
 * Workers the chooser started with the job's own options (`ChooseRequest.open`) run the job when they
 * are what it chose: no new workers start; any other is closed. Every input still ends exactly once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClosedError } from '../../src/core/errors.js';
import type { OpenConfig } from '../../src/executor/executor.js';
import { createExecutor, type Executor, type StrategyChooser } from '../../src/executor/executor.js';

const sleep = new URL('../../../test/fixtures/advise/sleep.mjs', import.meta.url);
const threadOf = new URL('../../../test/fixtures/advise/thread-id.mjs', import.meta.url);

/** A chooser that opens `opened` through the request, runs the first sampled input on it, and chooses `chosen`. */
function warming(opened: OpenConfig, chosen: OpenConfig, seen: Executor[]): StrategyChooser {
  return {
    sampleSize: (total) => (total === null ? 4 : Math.min(total, 4)),
    choose: async (request) => {
      const warm = request.open!(opened);
      seen.push(warm);
      const value = await warm.run(request.sample[0]);
      return { ...chosen, kept: new Map([[0, value]]), warm };
    },
  };
}

const inputs = Array.from({ length: 12 }, (_, i) => i + 1);

test('the chosen configuration, already warm: the job adopts its workers', async () => {
  const seen: Executor[] = [];
  const config = { strategy: 'threads', concurrency: 2 } as const;
  const executor = createExecutor<number, number>(
    { task: threadOf, strategy: 'auto' },
    warming(config, config, seen),
  );
  try {
    const threads = await executor.map(inputs);
    assert.equal(threads.length, inputs.length);
    assert.equal(executor.strategy, 'threads');
    assert.equal(executor.concurrency, 2);
    // The warm worker (it ran the first input, kept) runs the job's others too: it was adopted.
    assert.ok(threads.slice(1).includes(threads[0]!), `worker threads ${[...new Set(threads)]}`);
    const usage = await executor.usage();
    assert.ok(usage.workersStarted <= 2, `${usage.workersStarted} workers started for 2`);
    assert.equal(executor.choice?.warm, undefined, 'the choice does not keep the spent executor');
    // The warm executor handed its workers over: it is closed, and closing it again is harmless.
    await assert.rejects(seen[0]!.run(1), ClosedError);
    await seen[0]!.close();
  } finally {
    await executor.close();
  }
});

test('warm workers of another configuration are closed, and the chosen one starts its own', async () => {
  const seen: Executor[] = [];
  const executor = createExecutor<number, number>(
    { task: threadOf, strategy: 'auto' },
    warming({ strategy: 'threads', concurrency: 1 }, { strategy: 'threads', concurrency: 2 }, seen),
  );
  try {
    const threads: number[] = [];
    for await (const { index, value } of executor.stream(inputs, { total: inputs.length })) {
      assert.equal(threads[index], undefined, `index ${index} twice`);
      threads[index] = value;
    }
    assert.equal(threads.filter((t) => t !== undefined).length, inputs.length);
    assert.equal(executor.concurrency, 2);
    assert.ok(!threads.slice(1).includes(threads[0]!), 'the closed worker ran none of the job');
    await assert.rejects(seen[0]!.run(1), ClosedError);
  } finally {
    await executor.close();
  }
});

test("what the chooser opens has the job's own options: its time-out holds there too", async () => {
  const seen: Executor[] = [];
  const config = { strategy: 'threads', concurrency: 1 } as const;
  const chooser: StrategyChooser = {
    sampleSize: () => 1,
    choose: async (request) => {
      const warm = request.open!(config);
      seen.push(warm);
      await assert.rejects(warm.run(2000), /timed out|time-out|timeout/i);
      return { ...config, warm };
    },
  };
  const executor = createExecutor<number, number>({ task: sleep, strategy: 'auto', timeout: 50 }, chooser);
  try {
    assert.deepEqual(await executor.map([1, 2]), [1, 2]);
    assert.equal((await executor.usage()).workersStarted <= 2, true);
  } finally {
    await executor.close();
  }
});
