// The contract, part 1: what map, stream and run return, under every strategy.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { ClosedError, type Indexed } from '../../src/index.js';
import {
  collect,
  concurrencyOf,
  fixture,
  isPooled,
  make,
  range,
  readLines,
  tempDir,
  test,
  withDistributed,
  withExecutor,
} from './helpers.js';

const echo = fixture('echo.mjs');
const waiting = fixture('waiting.mjs');
const typed = fixture('typed.ts');

const MANY = 100_000;

/** Every index in 0 … count-1 exactly once. */
function assertEachIndexOnce(indices: number[], count: number): void {
  assert.equal(indices.length, count);
  const seen = new Uint8Array(count);
  for (const index of indices) {
    assert.ok(Number.isInteger(index) && index >= 0 && index < count, `index ${index} out of range`);
    assert.equal(seen[index], 0, `index ${index} seen twice`);
    seen[index] = 1;
  }
}

const STRATEGIES = withDistributed([echo, waiting, typed, fixture('index.mjs'), fixture('lifecycle.mjs')]);

for (const strategy of STRATEGIES) {
  describe(`${strategy}: results`, () => {
    test('context.index is the index of its input: map (in chunks), stream and run', async () => {
      const inputs = range(300).map((i) => `input ${i}`);
      await withExecutor(strategy, fixture('index.mjs'), { chunkSize: 7 }, async (executor) => {
        assert.deepEqual(await executor.map(inputs), range(300));
        const streamed = await collect(executor.stream(inputs.slice(0, 50)));
        for (const { index, value } of streamed as Indexed<number>[]) assert.equal(value, index);
        // run() counts its own calls on this executor.
        assert.deepEqual(
          await Promise.all([executor.run('a'), executor.run('b'), executor.run('c')]),
          [0, 1, 2],
        );
      });
    });

    test('map returns results in input order, whatever order they complete in', async () => {
      const inputs = [40, 0, 25, 5, 0, 10].map((ms, value) => ({ value, ms }));
      await withExecutor(strategy, echo, { export: 'delayed' }, async (executor) => {
        assert.deepEqual(await executor.map(inputs), [0, 1, 2, 3, 4, 5]);
      });
    });

    test('map over a generator, an async iterable, an empty array and an empty generator', async () => {
      await withExecutor<number, number>(strategy, echo, {}, async (executor) => {
        function* gen(): Generator<number> {
          yield* [3, 1, 2];
        }
        async function* agen(): AsyncGenerator<number> {
          yield* [7, 8, 9];
        }
        assert.deepEqual(await executor.map(gen()), [3, 1, 2]);
        assert.deepEqual(await executor.map(agen()), [7, 8, 9]);
        assert.deepEqual(await executor.map(new Set([4, 5])), [4, 5]);
        assert.deepEqual(await executor.map([]), []);
        assert.deepEqual(await executor.map([][Symbol.iterator]()), []);
        assert.deepEqual(await executor.map([], { settle: true }), []);
      });
    });

    test(`map over ${MANY} inputs gives exactly one result per index`, async () => {
      const inputs = range(MANY);
      await withExecutor<number, number>(strategy, echo, {}, async (executor) => {
        const values = await executor.map(inputs);
        assert.equal(values.length, MANY);
        for (let i = 0; i < MANY; i++) if (values[i] !== i) assert.fail(`result ${i} is ${values[i]}`);
        const settled = await executor.map(inputs, { settle: true });
        assertEachIndexOnce(
          settled.map((outcome) => outcome.index),
          MANY,
        );
        assert.ok(settled.every((outcome, i) => outcome.status === 'fulfilled' && outcome.value === i));
      });
    });

    test('stream yields every index exactly once, from an array, a generator and an async iterable', async () => {
      const count = 500;
      await withExecutor<number, number>(strategy, echo, {}, async (executor) => {
        async function* agen(): AsyncGenerator<number> {
          for (let i = 0; i < count; i++) yield i;
        }
        function* gen(): Generator<number> {
          for (let i = 0; i < count; i++) yield i;
        }
        for (const inputs of [range(count), gen(), agen()]) {
          const results = await collect(executor.stream(inputs));
          assertEachIndexOnce(
            results.map((r) => r.index),
            count,
          );
          for (const { index, value } of results) assert.equal(value, index);
        }
        assert.deepEqual(await collect(executor.stream([])), []);
      });
    });

    // Under sequential one task runs at a time, so a held input 0 would hold everything behind it.
    const oneAtATime = strategy === 'sequential' && 'one task at a time: completion order is input order';
    test('stream yields in completion order: a held input comes after the ones behind it', {
      skip: oneAtATime,
    }, async (t) => {
      const dir = tempDir(t);
      await withExecutor<string, string>(strategy, waiting, { taskOptions: { dir } }, async (executor) => {
        const order: Indexed<string>[] = [];
        writeFileSync(join(dir, 'release-b'), '');
        for await (const result of executor.stream(['a', 'b'])) {
          order.push(result);
          // Input 0 waits for its release file; it is written only once input 1 has come out.
          if (result.index === 1) writeFileSync(join(dir, 'release-a'), '');
        }
        assert.deepEqual(order, [
          { index: 1, value: 'released' },
          { index: 0, value: 'released' },
        ]);
      });
    });

    test('run runs one task, with the worker id, taskOptions and setup state in its context', async (t) => {
      const dir = tempDir(t);
      const taskOptions = { dir, greeting: 'hello' };
      await withExecutor(strategy, fixture('lifecycle.mjs'), { taskOptions }, async (executor) => {
        const result = (await executor.run('one')) as {
          input: string;
          workerId: number;
          state: { workerId: number; token: string };
          options: typeof taskOptions;
        };
        assert.equal(result.input, 'one');
        assert.deepEqual(result.options, taskOptions);
        if (isPooled(strategy)) {
          assert.ok(result.workerId >= 1 && result.workerId <= concurrencyOf(strategy), `${result.workerId}`);
        } else {
          assert.equal(result.workerId, 0);
        }
        // The state is what this very worker's setup returned.
        assert.equal(result.state.workerId, result.workerId);
        assert.equal(result.state.token, `state of worker ${result.workerId}`);
      });
    });

    test('run calls in flight at once each get their own result', async () => {
      await withExecutor<number, number>(strategy, echo, {}, async (executor) => {
        const inputs = range(200);
        assert.deepEqual(await Promise.all(inputs.map((i) => executor.run(i))), inputs);
      });
    });

    test('a TypeScript task module works', async () => {
      await withExecutor(strategy, typed, {}, async (executor) => {
        const { area, workerId } = (await executor.run({ width: 3, height: 4 })) as {
          area: number;
          workerId: number;
        };
        assert.equal(area, 12);
        assert.equal(workerId > 0, isPooled(strategy));
        const areas = await executor.map([1, 2, 3].map((n) => ({ width: n, height: n })));
        assert.deepEqual(
          areas.map((r) => (r as { area: number }).area),
          [1, 4, 9],
        );
      });
    });

    const remoteTeardown =
      strategy === 'distributed' ? 'distributed: teardown runs when each fanout worker stops' : undefined;
    test('await using closes the executor (Symbol.asyncDispose)', { skip: remoteTeardown }, async (t) => {
      const dir = tempDir(t);
      let escaped: ReturnType<typeof make> | undefined;
      {
        await using executor = make(strategy, fixture('lifecycle.mjs'), { taskOptions: { dir } });
        escaped = executor;
        await executor.run(1);
        assert.deepEqual(readLines(join(dir, 'teardown.log')), []);
      }
      // Leaving the block ran close() to the end: teardown done, the executor refuses work.
      assert.ok(readLines(join(dir, 'teardown.log')).length > 0, 'teardown did not run');
      await assert.rejects(escaped.run(2), ClosedError);
    });
  });
}
