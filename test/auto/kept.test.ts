/**
 * Results the chooser kept while choosing are the job's: the executor hands them out under their own
 * indices and runs only the other inputs, each exactly once (under `map`, `stream`, and with a total).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Settled } from '../../src/core/types.js';
import { type ChooseRequest, createExecutor, type StrategyChooser } from '../../src/executor/executor.js';

const tiny = new URL('../../../test/fixtures/advise/tiny.mjs', import.meta.url);

/** A chooser that "ran" the sampled inputs at `keep` (their result: the input's negation) and picks async. */
function keeping(keep: readonly number[], requests: ChooseRequest[]): StrategyChooser {
  return {
    sampleSize: (total) => (total === null ? 8 : Math.min(total, 8)),
    choose: async (request) => {
      requests.push(request);
      const kept = new Map<number, unknown>();
      for (const index of keep) kept.set(index, -(request.sample[index] as number));
      return { strategy: 'async', concurrency: 4, kept };
    },
  };
}

const inputs = Array.from({ length: 20 }, (_, i) => i + 100);

test('map: kept results land in their places, the rest are run', async () => {
  const requests: ChooseRequest[] = [];
  const executor = createExecutor<number, number>(
    { task: tiny, strategy: 'auto' },
    keeping([0, 3, 7], requests),
  );
  try {
    const results = await executor.map(inputs);
    assert.deepEqual(
      results,
      inputs.map((input, i) => ([0, 3, 7].includes(i) ? -input : input)),
    );
    assert.equal(requests[0]!.total, 20);
    const settled = await executor.map(inputs, { settle: true });
    // Chosen already: nothing is kept the second time, every input runs.
    assert.deepEqual(
      settled.map((s: Settled<number>) => (s.status === 'fulfilled' ? s.value : null)),
      inputs,
    );
  } finally {
    await executor.close();
  }
});

test('map with settle: kept outcomes are fulfilled, with their own index', async () => {
  const executor = createExecutor<number, number>({ task: tiny, strategy: 'auto' }, keeping([1, 2], []));
  try {
    const settled = await executor.map(inputs.slice(0, 5), { settle: true });
    assert.deepEqual(
      settled.map((s) => [s.index, s.status, s.status === 'fulfilled' ? s.value : undefined]),
      [
        [0, 'fulfilled', 100],
        [1, 'fulfilled', -101],
        [2, 'fulfilled', -102],
        [3, 'fulfilled', 103],
        [4, 'fulfilled', 104],
      ],
    );
  } finally {
    await executor.close();
  }
});

test('stream: every index once, kept ones first, the job size passed to the chooser', async () => {
  const requests: ChooseRequest[] = [];
  const executor = createExecutor<number, number>(
    { task: tiny, strategy: 'auto' },
    keeping([0, 5, 6], requests),
  );
  try {
    async function* source(): AsyncGenerator<number> {
      yield* inputs;
    }
    const seen = new Map<number, number>();
    const order: number[] = [];
    for await (const { index, value } of executor.stream(source(), { total: inputs.length })) {
      assert.ok(!seen.has(index), `index ${index} twice`);
      seen.set(index, value);
      order.push(index);
    }
    assert.equal(seen.size, inputs.length);
    for (const [index, value] of seen)
      assert.equal(value, [0, 5, 6].includes(index) ? -inputs[index]! : inputs[index]);
    assert.deepEqual(order.slice(0, 3), [0, 5, 6]);
    assert.equal(requests[0]!.total, 20);
    assert.equal(requests[0]!.sample.length, 8);
  } finally {
    await executor.close();
  }
});

test('stream without a total: the size is unknown to the chooser until the inputs run out', async () => {
  const requests: ChooseRequest[] = [];
  const executor = createExecutor<number, number>({ task: tiny, strategy: 'auto' }, keeping([], requests));
  try {
    let count = 0;
    for await (const _ of executor.stream(inputs)) count++;
    assert.equal(count, 20);
    assert.equal(requests[0]!.total, null);
  } finally {
    await executor.close();
  }
  const short: ChooseRequest[] = [];
  const small = createExecutor<number, number>({ task: tiny, strategy: 'auto' }, keeping([0, 1, 2], short));
  try {
    const got: number[] = [];
    for await (const { value } of small.stream([1, 2, 3])) got.push(value);
    // The sample was every input: its size is known, and all three were kept.
    assert.deepEqual(got, [-1, -2, -3]);
    assert.equal(short[0]!.total, 3);
  } finally {
    await small.close();
  }
});

test('stream of nothing under auto: nothing to choose, nothing yielded', async () => {
  const requests: ChooseRequest[] = [];
  const executor = createExecutor({ task: tiny, strategy: 'auto' }, keeping([], requests));
  try {
    let count = 0;
    for await (const _ of executor.stream([])) count++;
    assert.equal(count, 0);
    assert.equal(requests.length, 0);
  } finally {
    await executor.close();
  }
});

test('a bad total is refused, naming the option', async () => {
  const executor = createExecutor({ task: tiny, strategy: 'auto' }, keeping([], []));
  try {
    await assert.rejects(
      async () => {
        for await (const _ of executor.stream([1], { total: -1 })) {
          /* nothing */
        }
      },
      { name: 'OptionError', message: /`total`/ },
    );
  } finally {
    await executor.close();
  }
});
