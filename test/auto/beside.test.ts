/**
 * Workers started beside the sequential sample (src/advise/beside.ts): started only for a job that
 * computes and is large enough, timed and adopted rather than started again, closed when the choice
 * is something else, and never leaving a worker behind. Every input still ends exactly once.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { chooseStrategy } from '../../src/advise/auto.js';
import { SampleBank } from '../../src/advise/bank.js';
import { Beside, worthStartingBeside } from '../../src/advise/beside.js';
import { runSample } from '../../src/advise/sample.js';
import { measureStartup } from '../../src/advise/startup.js';
import { WORKER_START_FLOOR_MS } from '../../src/advise/thresholds.js';
import { createExecutor as createAuto } from '../../src/auto/executor.js';
import { ClosedError } from '../../src/core/errors.js';
import { createExecutor, type Executor, type OpenConfig } from '../../src/executor/executor.js';

const busy = new URL('../../../test/fixtures/advise/busy.mjs', import.meta.url);
const sleep = new URL('../../../test/fixtures/advise/sleep.mjs', import.meta.url);
const cores = availableParallelism();

/** An `open` that records every executor it makes, with its configuration. */
function recorder(task: URL): {
  opened: { executor: Executor; config: OpenConfig }[];
  open: (config: OpenConfig) => Executor;
} {
  const opened: { executor: Executor; config: OpenConfig }[] = [];
  return {
    opened,
    open: (config) => {
      const executor = createExecutor({ task, ...config });
      opened.push({ executor, config });
      return executor;
    },
  };
}

test('worth starting beside: a computing task, with more left than a worker costs to start', () => {
  const computing = { ran: 3, meanWallMs: 20, busyShare: 0.95 };
  assert.equal(worthStartingBeside(computing, 2, 60), true);
  assert.equal(worthStartingBeside(computing, 2, null), true, 'a size unknown: a stream worth sampling');
  assert.equal(worthStartingBeside(computing, 1, 60), false, 'one worker cannot beat the main thread');
  assert.equal(worthStartingBeside({ ...computing, busyShare: 0.3 }, 2, 60), false, 'it waits: async');
  // left × mean × (1 − 1/2) against the floor: 4 × 20 × 0.5 = 40 ms is not worth a worker.
  const left = (2 * WORKER_START_FLOOR_MS) / computing.meanWallMs;
  assert.equal(worthStartingBeside(computing, 2, computing.ran + Math.floor(left)), false);
  assert.equal(worthStartingBeside(computing, 2, computing.ran + Math.ceil(left) + 1), true);
});

/** The sample of a computing job of 40 inputs of 10 ms, with two workers free to start beside it. */
async function sampleBeside() {
  const inputs = Array.from({ length: 40 }, () => 10);
  const { opened, open } = recorder(busy);
  const bank = new SampleBank(inputs, undefined, open);
  const beside = new Beside(bank, 2, inputs.length);
  const sampled = await runSample({ task: busy }, inputs, () => ({ targetMs: 60, maxMs: 200 }), bank, beside);
  return { inputs, opened, bank, beside, sampled };
}

test('workers started beside the sample are the ones timed, then adopted: none started again', async (t) => {
  if (cores < 2) return t.skip('one core: no workers start beside the sample');
  const { inputs, opened, bank, beside, sampled } = await sampleBeside();
  assert.equal(beside.started, true, 'a computing task of 10 ms × 40 starts its workers');
  assert.equal(opened.length, 1);
  assert.deepEqual(opened[0]!.config, { strategy: 'threads', concurrency: 2, inFlight: 1, timeline: true });
  // Only this thread's CPU counts: the workers starting beside it never raise the share above the whole.
  assert.ok(sampled.figures.cpuShare <= 1.05, `CPU share ${sampled.figures.cpuShare}`);
  const startup = await measureStartup({ task: busy }, 'threads', 10, sampled.figures.wallMs, bank, {
    workers: 2,
    inFlight: 1,
  });
  assert.notEqual(startup.ms, null);
  assert.equal(opened.length, 1, 'the start-up was timed on the workers started beside, not new ones');
  const warm = await bank.takeWarm({ strategy: 'threads', concurrency: 2, inFlight: 1 });
  assert.equal(warm, opened[0]!.executor);
  try {
    // The job's rest on the adopted workers: with what the bank kept, every input exactly once.
    const rest: number[] = [];
    for (let i = 0; i < inputs.length; i++) if (!bank.kept.has(i)) rest.push(i);
    const results = await warm!.map(rest.map((i) => inputs[i]!));
    assert.equal(bank.kept.size + results.length, inputs.length);
    assert.equal((await warm!.usage()).workersStarted, 2, 'no worker beyond the two started beside');
  } finally {
    await warm!.close();
  }
});

test('a job too small for workers never starts them beside the sample', async () => {
  const { opened, open } = recorder(busy);
  // 6 inputs of 5 ms: the rest never saves 45 ms on 2 cores.
  const choice = await chooseStrategy({ task: busy, sample: Array(6).fill(5), total: 6, open });
  assert.equal(choice.strategy, 'sequential');
  assert.equal(opened.length, 0, `opened ${opened.map((o) => JSON.stringify(o.config))}`);
  assert.equal(choice.warm, undefined);
});

test('a task that waits never starts workers beside the sample', async () => {
  const { opened, open } = recorder(sleep);
  const choice = await chooseStrategy({ task: sleep, sample: Array(40).fill(10), total: 40, open });
  assert.equal(choice.strategy, 'async');
  assert.equal(opened.length, 0, `opened ${opened.map((o) => JSON.stringify(o.config))}`);
});

test('workers started beside, then another choice: they are closed, none left behind', async (t) => {
  if (cores < 2) return t.skip('one core: no workers start beside the sample');
  const { opened, bank } = await sampleBeside();
  assert.equal(opened.length, 1);
  // Say the advice was sequential (a too-small verdict): the warm workers are not it.
  assert.equal(await bank.takeWarm({ strategy: 'sequential', concurrency: 1, inFlight: 1 }), undefined);
  await assert.rejects(opened[0]!.executor.run(1), ClosedError);
});

test('the advisor failing closes the workers started beside', async (t) => {
  if (cores < 2) return t.skip('one core: no workers start beside the sample');
  const inputs = Array.from({ length: 40 }, () => 10);
  const { opened, open } = recorder(busy);
  const bank = new SampleBank(inputs, undefined, open);
  await runSample(
    { task: busy },
    inputs,
    () => ({ targetMs: 60, maxMs: 200 }),
    bank,
    new Beside(bank, 2, 40),
  );
  assert.equal(opened.length, 1);
  await bank.closeWarm(); // what chooseStrategy does when advise throws
  await assert.rejects(opened[0]!.executor.run(1), ClosedError);
});

test('under auto, a computing job runs on the workers started beside: every input exactly once', async (t) => {
  if (cores < 2) return t.skip('one core: no workers start beside the sample');
  const executor = createAuto<number, number>({ task: busy, strategy: 'auto' });
  const inputs = Array.from({ length: 60 }, () => 15);
  try {
    const seen = new Set<number>();
    for await (const { index, value } of executor.stream(inputs, { total: inputs.length })) {
      assert.ok(!seen.has(index), `index ${index} twice`);
      seen.add(index);
      assert.equal(typeof value, 'number');
    }
    assert.equal(seen.size, inputs.length);
    if (executor.strategy === 'threads') {
      const usage = await executor.usage();
      assert.ok(
        usage.workersStarted <= executor.concurrency,
        `${usage.workersStarted} workers started for ${executor.concurrency}: the ones started beside were adopted`,
      );
    }
  } finally {
    await executor.close();
  }
});

test("the sample's CPU counts work the task hands to libuv's pool, where no workers start beside it", async () => {
  const task = new URL('../../../test/fixtures/advise/pool-crypto.mjs', import.meta.url);
  const inputs = Array.from({ length: 12 }, () => 20_000);
  const sampled = await runSample({ task }, inputs, () => ({ targetMs: 200, maxMs: 2_000 }));
  const { cpuMs, busyMs } = sampled.figures;
  // pbkdf2 computes on a pool thread while the loop waits: the loop's own share is a small part of it.
  assert.ok(
    cpuMs > 2 * busyMs,
    `CPU ${cpuMs} ms a task, the loop busy ${busyMs} ms: the pool's work is counted`,
  );
});
