/**
 * Workers the chooser started with the job's own options (`ChooseRequest.open`) run the job when they
 * are what it chose: no new workers start; any other is closed. Every input still ends exactly once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseStrategy } from '../../src/advise/auto.js';
import { SampleBank } from '../../src/advise/bank.js';
import { runProbe } from '../../src/advise/probe.js';
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

const echo = new URL('../../../test/fixtures/advise/echo-thread.mjs', import.meta.url);

/**
 * A chooser that probes as the advisor does: opens `config` with a timeline of its own, runs a
 * warm-up and a measured round on known inputs (results thrown away) and one fresh input (kept), and
 * hands the executor back as the choice.
 */
function probing(config: OpenConfig, seen: Executor[]): StrategyChooser {
  return {
    sampleSize: (total) => (total === null ? 4 : Math.min(total, 4)),
    choose: async (request) => {
      const warm = request.open!({ ...config, timeline: true });
      seen.push(warm);
      await warm.map(Array.from({ length: 10 }, () => 'known'));
      const value = await warm.run(request.sample[0]);
      assert.equal(warm.timeline().length, 11, "the probe's own tasks are on its timeline");
      return { ...config, kept: new Map([[0, value]]), warm };
    },
  };
}

test("a probe's executor, adopted: the job's results once each, its timeline only the job's tasks", async () => {
  const seen: Executor[] = [];
  const config = { strategy: 'threads', concurrency: 2, inFlight: 4 } as const;
  const executor = createExecutor<number, { input: number; thread: number }>(
    { task: echo, strategy: 'auto', timeline: true },
    probing(config, seen),
  );
  try {
    const seenIndex = new Set<number>();
    for await (const { index, value } of executor.stream(inputs, { total: inputs.length })) {
      assert.ok(!seenIndex.has(index), `index ${index} twice`);
      seenIndex.add(index);
      assert.equal(value.input, inputs[index], `index ${index} got another input's result`);
    }
    assert.equal(seenIndex.size, inputs.length);
    assert.equal(executor.inFlight, 4);
    assert.ok((await executor.usage()).workersStarted <= 2, 'no workers started beyond the warm ones');
    // The job ran every input but the kept one, each once: its timeline holds those and no probe task.
    const timeline = executor.timeline();
    assert.equal(timeline.length, inputs.length - 1, `${timeline.length} timeline entries`);
    assert.equal(new Set(timeline.map((entry) => entry.index)).size, inputs.length - 1);
    await assert.rejects(seen[0]!.run(1), ClosedError);
  } finally {
    await executor.close();
  }
});

test('a job that asked for no timeline adopts the probed executor, and records none', async () => {
  const seen: Executor[] = [];
  const config = { strategy: 'threads', concurrency: 2 } as const;
  const executor = createExecutor<number, { input: number; thread: number }>(
    { task: echo, strategy: 'auto' },
    probing(config, seen),
  );
  try {
    const results = await executor.map(inputs);
    assert.deepEqual(
      results.map((r) => r.input),
      inputs,
    );
    assert.ok((await executor.usage()).workersStarted <= 2, 'the probed workers were adopted');
    assert.deepEqual(executor.timeline(), []);
  } finally {
    await executor.close();
  }
});

test('workers started without a timeline are not adopted by a job that asked for one: it starts its own', async () => {
  const seen: Executor[] = [];
  const config = { strategy: 'threads', concurrency: 1 } as const;
  const chooser: StrategyChooser = {
    sampleSize: () => 4,
    choose: async (request) => {
      const warm = request.open!({ ...config, timeline: false });
      seen.push(warm);
      await warm.run(request.sample[0]);
      return { ...config, warm };
    },
  };
  const executor = createExecutor<number, { input: number; thread: number }>(
    { task: echo, strategy: 'auto', timeline: true },
    chooser,
  );
  try {
    const results = await executor.map(inputs);
    assert.equal(results.length, inputs.length);
    assert.equal(executor.timeline().length, inputs.length);
    await assert.rejects(seen[0]!.run(1), ClosedError);
  } finally {
    await executor.close();
  }
});

test('probes under auto borrow the warm workers of their configuration and leave them warm for the job', async () => {
  const opened: { config: OpenConfig; executor: Executor }[] = [];
  const bank = new SampleBank(
    Array.from({ length: 30 }, (_, i) => i),
    undefined,
    (config) => {
      const executor = createExecutor({ task: echo, ...config });
      opened.push({ config, executor });
      return executor;
    },
  );
  const ref = { task: echo };
  const spec = { tasks: 8, inputs: [0], sequentialTasksPerSecond: 10, bank };
  try {
    await runProbe(ref, { ...spec, strategy: 'threads', concurrency: 2, inFlight: 2 });
    assert.equal(opened.length, 1);
    assert.equal(opened[0]!.config.timeline, true, 'opened to record the task times the probe reads');
    assert.ok(bank.holds({ strategy: 'threads', concurrency: 2, inFlight: 2 }), 'kept warm after the probe');
    // The same configuration again: the warm one, no new workers.
    const again = await runProbe(ref, { ...spec, strategy: 'threads', concurrency: 2, inFlight: 2 });
    assert.equal(again.failed, 0);
    assert.equal(again.tasks, 8);
    assert.ok(Number.isFinite(again.p50Ms) && again.tasksPerSecond > 0, 'measured from the warm stream');
    assert.equal(opened.length, 1);
    assert.equal((await opened[0]!.executor.usage()).workersStarted, 2);
    await runProbe(ref, { ...spec, strategy: 'threads', concurrency: 1 });
    assert.equal(opened.length, 2);
    const warm = await bank.takeWarm({ strategy: 'threads', concurrency: 2, inFlight: 2 });
    assert.equal(warm, opened[0]!.executor, "the chosen configuration's workers are handed over");
    await assert.rejects(opened[1]!.executor.run(1), ClosedError, 'the others are closed');
    assert.equal(bank.holds({ strategy: 'threads', concurrency: 2, inFlight: 2 }), false);
    // Every fresh input ran once, its result kept as the job's.
    for (const [index, value] of bank.kept) assert.equal((value as { input: number }).input, index);
  } finally {
    for (const { executor } of opened) await executor.close();
  }
});
