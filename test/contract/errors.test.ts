// The contract, part 3: a task's errors reach the caller with their cause; fail-fast and keep-going.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Settled, TaskError } from '../../src/index.js';
import { collect, fixture, tempDir, test, waitForFile, withDistributed, withExecutor } from './helpers.js';

const failing = fixture('failing.mjs');
const failingPath = fileURLToPath(failing);
/** How long a test waits for a signal that should come at once, before it calls it missing. */
const ABORT_LIMIT_MS = 2000;

interface Input {
  fail?: boolean;
  hold?: boolean;
  value: unknown;
}

const ok = (value: unknown): Input => ({ value });
const bad = (value: unknown): Input => ({ fail: true, value });

/** The error a task threw, as the caller gets it: a TaskError naming the module and the index. */
function assertTaskError(error: unknown, index: number): TaskError {
  assert.ok(error instanceof TaskError, `expected a TaskError, got ${String(error)}`);
  assert.equal(error.name, 'TaskError');
  assert.equal(error.code, 'ERR_FANOUT_TASK');
  assert.equal(error.index, index);
  assert.ok(error.message.includes(failingPath), `the message does not name the module: ${error.message}`);
  assert.match(error.message, new RegExp(`\\binput ${index}\\b`));
  return error;
}

/** The original error, rebuilt if it crossed a boundary: its name, message, stack and code. */
function assertValidationCause(error: TaskError, value: unknown): void {
  const cause = error.cause as Error & { code?: unknown };
  assert.ok(cause instanceof Error, 'the cause is not an Error');
  assert.equal(cause.name, 'ValidationError');
  assert.equal(cause.message, `input ${JSON.stringify(value)} is not valid`);
  assert.equal(cause.code, 'E_VALIDATION');
  assert.ok(cause.stack?.includes('ValidationError'), `stack: ${cause.stack}`);
  assert.ok(cause.stack?.includes('failing.mjs'), `the stack does not reach the task: ${cause.stack}`);
  assert.ok(error.message.includes(cause.message), 'the message does not carry the cause');
}

const STRATEGIES = withDistributed([fixture('failing.mjs')]);

for (const strategy of STRATEGIES) {
  describe(`${strategy}: errors`, () => {
    test('a task that throws: TaskError naming the module and index, the original error as cause', async () => {
      await withExecutor(strategy, failing, {}, async (executor) => {
        const error = await executor.run(bad('r')).then(
          () => assert.fail('run resolved'),
          (reason: unknown) => reason,
        );
        assertValidationCause(assertTaskError(error, 0), 'r');
      });
    });

    test('map over an array rejects with the TaskError of the input that threw', async () => {
      await withExecutor(strategy, failing, {}, async (executor) => {
        await executor.run(ok('load the module first'));
        const error = await executor.map([ok(0), ok(1), bad('m')]).then(
          () => assert.fail('map resolved'),
          (reason: unknown) => reason,
        );
        assertValidationCause(assertTaskError(error, 2), 'm');
      });
    });

    test('a task that rejects with a non-Error: TaskError that shows the value', async () => {
      await withExecutor(strategy, failing, { export: 'rejectString' }, async (executor) => {
        const error = await executor.run(bad(0)).then(
          () => assert.fail('run resolved'),
          (reason: unknown) => reason,
        );
        assertTaskError(error, 0);
        assert.match((error as Error).message, /plain string rejection/);
        assert.notEqual((error as Error).cause, undefined);
      });
    });

    test('map with settle: true returns every outcome, like Promise.allSettled', async () => {
      await withExecutor(strategy, failing, {}, async (executor) => {
        const inputs = [ok('a'), bad('b'), ok('c'), bad('d'), ok('e')];
        const outcomes = await executor.map(inputs, { settle: true });
        assert.equal(outcomes.length, inputs.length);
        outcomes.forEach((outcome, index) => {
          assert.equal(outcome.index, index);
          if (inputs[index]!.fail) {
            assert.equal(outcome.status, 'rejected');
            assertValidationCause(
              assertTaskError((outcome as { reason: unknown }).reason, index),
              inputs[index]!.value,
            );
          } else {
            assert.deepEqual(outcome, { index, status: 'fulfilled', value: inputs[index] });
          }
        });
      });
    });

    test('map fails fast: it rejects on the first error without waiting for inputs still running', async (t) => {
      const dir = tempDir(t);
      await withExecutor(
        strategy,
        failing,
        { export: 'failOrHold', taskOptions: { dir } },
        async (executor) => {
          try {
            // Inputs 1 and 2 never finish until released: map must not wait for them.
            const held = [bad(0), { hold: true, value: 1 }, { hold: true, value: 2 }];
            await assert.rejects(executor.map(held), (error: unknown) => {
              assert.ok(error instanceof TaskError);
              assert.equal(error.index, 0);
              return true;
            });
          } finally {
            writeFileSync(join(dir, 'release'), '');
          }
        },
      );
    });

    test('a map that failed fast aborts the signal of its tasks still running', {
      skip:
        strategy === 'sequential' &&
        'one at a time: nothing else runs when the map fails, and the rest is never started',
    }, async (t) => {
      const dir = tempDir(t);
      await withExecutor(
        strategy,
        failing,
        { export: 'failOrHold', taskOptions: { dir } },
        async (executor) => {
          try {
            // The held input must be running when map gives up: ahead of the failing one.
            const hold = { hold: true, value: 1 };
            const inputs = [hold, bad(0)];
            await assert.rejects(executor.map(inputs), TaskError);
            await waitForFile(join(dir, 'aborted-1'), ABORT_LIMIT_MS);
          } finally {
            writeFileSync(join(dir, 'release'), '');
          }
        },
      );
    });

    test('map over an iterable fails fast and settles like an array', async () => {
      await withExecutor(strategy, failing, {}, async (executor) => {
        function* gen(): Generator<Input> {
          yield* [ok(0), bad(1), ok(2)];
        }
        await assert.rejects(
          executor.map(gen()),
          (error: unknown) => assertTaskError(error, 1) !== undefined,
        );
        const outcomes = await executor.map(gen(), { settle: true });
        assert.deepEqual(
          outcomes.map((o) => [o.index, o.status]),
          [
            [0, 'fulfilled'],
            [1, 'rejected'],
            [2, 'fulfilled'],
          ],
        );
      });
    });

    test('stream throws the first error; with settle: true it yields every outcome', async () => {
      await withExecutor(strategy, failing, {}, async (executor) => {
        const inputs = [ok(0), ok(1), bad(2), ok(3)];
        await assert.rejects(collect(executor.stream(inputs)), (error: unknown) => {
          assertValidationCause(assertTaskError(error, 2), 2);
          return true;
        });
        const outcomes: Settled<unknown>[] = await collect(executor.stream(inputs, { settle: true }));
        outcomes.sort((a, b) => a.index - b.index);
        assert.deepEqual(
          outcomes.map((o) => [o.index, o.status]),
          [
            [0, 'fulfilled'],
            [1, 'fulfilled'],
            [2, 'rejected'],
            [3, 'fulfilled'],
          ],
        );
        assertTaskError((outcomes[2] as { reason: unknown }).reason, 2);
      });
    });

    test('an error leaves the executor usable', async () => {
      await withExecutor(strategy, failing, {}, async (executor) => {
        await assert.rejects(executor.run(bad(0)), TaskError);
        assert.deepEqual(await executor.map([ok(1), ok(2)]), [ok(1), ok(2)]);
      });
    });
  });
}
