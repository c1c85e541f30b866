/**
 * Workers the chooser started with the job's own options (`ChooseRequest.open`) run the job when they
 * are what it chose: no new workers start; any other is closed. Every input still ends exactly once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseStrategy } from '../../src/advise/auto.js';
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
    { task: threadOf, strategy: 'auto', timeline: true },
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
    // Opened with the job's own options: the timeline it asked for is kept (the warm run's entry too).
    assert.ok(
      executor.timeline().length >= inputs.length - 1,
      `${executor.timeline().length} timeline entries`,
    );
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

test('the advisor under auto: the workers it timed are handed over when chosen, and every other one it opened is closed', async () => {
  const busy = new URL('../../../test/fixtures/advise/busy.mjs', import.meta.url);
  const opened: Executor[] = [];
  const choice = await chooseStrategy({
    task: busy,
    sample: Array.from({ length: 40 }, () => 15),
    total: 40,
    budgetMs: 2000,
    open: (config) => {
      const executor = createExecutor({ task: busy, ...config });
      opened.push(executor);
      return executor;
    },
  });
  try {
    assert.ok(opened.length > 0, 'the start-up was timed on an executor the job could adopt');
    for (const executor of opened) {
      if (executor === choice.warm) continue;
      await assert.rejects(executor.run(1), ClosedError);
    }
    if (choice.warm !== undefined) {
      // Handed over only when it is the choice: threads, at the count of workers the job runs.
      assert.equal(choice.strategy, 'threads');
      assert.equal(choice.warm.strategy, 'threads');
      assert.equal(choice.warm.concurrency, choice.concurrency);
      assert.equal(choice.warm.inFlight, choice.inFlight);
    }
  } finally {
    await choice.warm?.close();
  }
});
