// Tasks in flight per worker (the hybrid model): K at once on one worker, never more, and the faults
// that only K > 1 can have: a death with K in flight, a time-out of one of K.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createExecutor, TimeoutError, WorkerDiedError } from '../../src/index.js';

const task = new URL('../../../test/fixtures/in-flight/tasks.mjs', import.meta.url);

interface Ran {
  input: unknown;
  index: number;
  workerId: number;
  peak: number;
}

for (const strategy of ['threads', 'processes'] as const) {
  describe(`${strategy} with tasks in flight per worker`, () => {
    test('one worker runs K tasks at once, never more', async () => {
      const executor = createExecutor<number, Ran>({ task, strategy, concurrency: 1, inFlight: 4 });
      try {
        const results = await executor.map(Array.from({ length: 12 }, () => 30));
        assert.equal(results.length, 12);
        assert.deepEqual(
          results.map((r) => r.index),
          Array.from({ length: 12 }, (_, i) => i),
        );
        assert.ok(
          results.every((r) => r.peak <= 4),
          'more than 4 at once',
        );
        assert.equal(Math.max(...results.map((r) => r.peak)), 4);
      } finally {
        await executor.close();
      }
    });

    test('a worker that dies with K in flight fails those K, each saying so; the rest run elsewhere', async () => {
      const executor = createExecutor<unknown, Ran>({ task, strategy, concurrency: 1, inFlight: 4 });
      try {
        const inputs: unknown[] = [5000, 5000, 5000, 'crash', 10, 10, 10, 10];
        const outcomes = await executor.map(inputs, { settle: true });
        assert.equal(outcomes.length, inputs.length);
        for (let i = 0; i < 4; i++) {
          const outcome = outcomes[i]!;
          assert.equal(outcome.status, 'rejected', `input ${i} should have died with its worker`);
          const error = (outcome as { reason: unknown }).reason;
          assert.ok(error instanceof WorkerDiedError);
          assert.match(
            error.message,
            new RegExp(`running input ${i} \\(one of 4 inputs in flight on it, all failed\\)`),
          );
          assert.match(error.message, /exited with code 7|code 7/);
        }
        for (let i = 4; i < inputs.length; i++) {
          const outcome = outcomes[i]!;
          assert.equal(outcome.status, 'fulfilled', `input ${i}`);
          assert.equal((outcome as { value: Ran }).value.index, i);
        }
        assert.equal((await executor.usage()).workersStarted, 2);
      } finally {
        await executor.close();
      }
    });

    test('one of K times out and ignores it: the others finish, then its worker is replaced', async () => {
      const executor = createExecutor<unknown, Ran>({ task, strategy, concurrency: 1, inFlight: 4 });
      try {
        const hang = executor.run('hang', { timeout: 200 });
        const others = [executor.run(600), executor.run(600), executor.run(600)];
        await assert.rejects(hang, TimeoutError);
        const done = await Promise.all(others);
        assert.equal(new Set(done.map((r) => r.workerId)).size, 1, 'the others ran beside the stuck one');
        // The stuck task never ends: its worker must go, and work after it runs on the replacement.
        const after = await executor.run(10);
        assert.notEqual(after.workerId, done[0]!.workerId);
        assert.equal((await executor.usage()).workersStarted, 2);
      } finally {
        await executor.close();
      }
    });

    test('the timeline has one entry per task, overlapping on one worker', async () => {
      const executor = createExecutor<number, Ran>({
        task,
        strategy,
        concurrency: 1,
        inFlight: 4,
        timeline: true,
      });
      try {
        await executor.map(Array.from({ length: 8 }, () => 100));
        const entries = executor.timeline();
        assert.equal(entries.length, 8);
        assert.deepEqual(
          entries.map((e) => e.index).sort((a, b) => a - b),
          [0, 1, 2, 3, 4, 5, 6, 7],
        );
        const overlapping = entries.some((a) =>
          entries.some((b) => a !== b && a.start < b.end && b.start < a.end),
        );
        assert.ok(overlapping, 'tasks in flight together overlap in time');
      } finally {
        await executor.close();
      }
    });
  });
}

test('inFlight is refused where it has no meaning, and must be a positive integer', () => {
  assert.throws(
    () => createExecutor({ task, strategy: 'async', inFlight: 4 }),
    /^OptionError: Expected `inFlight` to be 1 under async, got `4`/,
  );
  assert.throws(() => createExecutor({ task, strategy: 'sequential', inFlight: 2 }), /under sequential/);
  assert.throws(() => createExecutor({ task, strategy: 'threads', inFlight: 0 }), /positive integer/);
});
