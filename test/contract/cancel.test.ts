// The contract, part 4: cancellation through an AbortSignal, time-outs, and tasks that ignore both.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AbortError, type Settled, TimeoutError } from '../../src/index.js';
import {
  collect,
  fixture,
  isPooled,
  make,
  notRemote,
  range,
  tempDir,
  test,
  waitForFile,
  waitUntil,
  withDistributed,
  withExecutor,
} from './helpers.js';

const waiting = fixture('waiting.mjs');
const STRATEGIES = withDistributed([waiting]);
/** Why the spinning cases do not reach `distributed`. */
const REMOTE_SPIN =
  "a worker replaced is the fanout worker's local pool's own (checked under threads and processes); the producer's usage() counts fanout workers";
const waitingPath = fileURLToPath(waiting);
/** A time-out short enough to keep the suite fast; tasks that should beat it are already released. */
const SHORT_TIMEOUT_MS = 100;
/** A time-out that tasks which finish at once never reach, even on a busy machine. */
const ROOMY_TIMEOUT_MS = 1000;
/** Tiny tasks run before a time-out test, so the pool's batching has seen how fast tasks are. */
const WARM_UP_TASKS = 1000;
/**
 * When the engine does not time a task out, the test releases it after this long so nothing hangs.
 * Far beyond the time-out: on a loaded machine a process can take seconds to start, and the time-out
 * counts from the moment the task is handed to a worker.
 */
const RELEASE_GUARD_MS = 15_000;

function assertAbortError(error: unknown, index: number): true {
  assert.ok(error instanceof AbortError, `expected an AbortError, got ${String(error)}`);
  assert.equal(error.code, 'ERR_FANOUT_ABORTED');
  assert.equal(error.index, index);
  assert.ok(error.message.includes(waitingPath), error.message);
  assert.match(error.message, new RegExp(`\\binput ${index}\\b`));
  return true;
}

function assertTimeoutError(error: unknown, index: number, ms: number): true {
  assert.ok(error instanceof TimeoutError, `expected a TimeoutError, got ${String(error)}`);
  assert.equal(error.code, 'ERR_FANOUT_TIMEOUT');
  assert.equal(error.index, index);
  assert.ok(error.message.includes(waitingPath), error.message);
  assert.match(error.message, new RegExp(`\\binput ${index}\\b.*\\b${ms} ms`));
  return true;
}

for (const strategy of STRATEGIES) {
  describe(`${strategy}: cancellation and time-outs`, () => {
    test('aborting a running task: the caller gets an AbortError, the task sees its signal abort', async (t) => {
      const dir = tempDir(t);
      await withExecutor(strategy, waiting, { taskOptions: { dir } }, async (executor) => {
        const controller = new AbortController();
        const running = executor.run('x', { signal: controller.signal });
        await waitForFile(join(dir, 'started-x'));
        controller.abort();
        await assert.rejects(running, (error) => assertAbortError(error, 0));
        await waitForFile(join(dir, 'aborted-x'));
        assert.equal(readFileSync(join(dir, 'aborted-x'), 'utf8'), 'AbortError');
        // The executor goes on.
        writeFileSync(join(dir, 'release-y'), '');
        assert.equal(await executor.run('y'), 'released');
      });
    });

    test('a signal aborted before run: AbortError, and the task never starts', async (t) => {
      const dir = tempDir(t);
      await withExecutor(strategy, waiting, { taskOptions: { dir } }, async (executor) => {
        await assert.rejects(executor.run('never', { signal: AbortSignal.abort() }), (error) =>
          assertAbortError(error, 0),
        );
      });
      assert.equal(existsSync(join(dir, 'started-never')), false, 'the aborted task ran');
    });

    test('a time-out per run: TimeoutError, and the task sees its signal abort', async (t) => {
      const dir = tempDir(t);
      await withExecutor(strategy, waiting, { taskOptions: { dir } }, async (executor) => {
        await assert.rejects(executor.run('t', { timeout: SHORT_TIMEOUT_MS }), (error) =>
          assertTimeoutError(error, 0, SHORT_TIMEOUT_MS),
        );
        await waitForFile(join(dir, 'aborted-t'));
        assert.equal(readFileSync(join(dir, 'aborted-t'), 'utf8'), 'TimeoutError');
      });
    });

    test('the executor time-out applies to stream: only the slow input times out', async (t) => {
      const dir = tempDir(t);
      for (const input of ['a', 'c', 'd']) writeFileSync(join(dir, `release-${input}`), '');
      await withExecutor(
        strategy,
        waiting,
        { taskOptions: { dir }, timeout: ROOMY_TIMEOUT_MS },
        async (executor) => {
          // Many tiny tasks first, so a pool that sizes its batches by the time tasks take has learnt
          // that they are tiny: the slow input must still not hold up the others.
          await executor.map(range(WARM_UP_TASKS));
          const outcomes: Settled<unknown>[] = await collect(
            executor.stream(['b', 'a', 'c', 'd'], { settle: true }),
          );
          outcomes.sort((x, y) => x.index - y.index);
          assert.deepEqual(
            outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.status)),
            ['rejected', 'released', 'released', 'released'],
          );
          assertTimeoutError((outcomes[0] as { reason: unknown }).reason, 0, ROOMY_TIMEOUT_MS);
        },
      );
    });

    test('the executor time-out applies to map over an array: only the slow input times out', async (t) => {
      const dir = tempDir(t);
      for (const input of ['a', 'c', 'd']) writeFileSync(join(dir, `release-${input}`), '');
      // If the engine never times input b out, release it later, so the test fails instead of hanging.
      const guard = setTimeout(() => writeFileSync(join(dir, 'release-b'), ''), RELEASE_GUARD_MS);
      try {
        await withExecutor(
          strategy,
          waiting,
          { taskOptions: { dir }, timeout: ROOMY_TIMEOUT_MS },
          async (executor) => {
            const outcomes = await executor.map(['a', 'b', 'c', 'd'], { settle: true });
            assert.deepEqual(
              outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.status)),
              ['released', 'rejected', 'released', 'released'],
            );
            assertTimeoutError((outcomes[1] as { reason: unknown }).reason, 1, ROOMY_TIMEOUT_MS);
          },
        );
      } finally {
        clearTimeout(guard);
      }
    });

    test('an async task that ignores its signal does not hold its slot: later tasks run', async () => {
      await withExecutor(strategy, waiting, { export: 'ignoreAsync' }, async (executor) => {
        await assert.rejects(executor.run('hang', { timeout: SHORT_TIMEOUT_MS }), TimeoutError);
        const controller = new AbortController();
        const aborted = executor.run('hang', { signal: controller.signal });
        controller.abort();
        await assert.rejects(aborted, AbortError);
        const after = await executor.map(['p', 'q', 'r']);
        assert.deepEqual(
          after.map((r) => (r as { input: string }).input),
          ['p', 'q', 'r'],
        );
      });
    });

    test('a synchronous loop that ignores its time-out: its worker is replaced, later tasks complete', {
      skip:
        notRemote(strategy, REMOTE_SPIN) ??
        (!isPooled(strategy) &&
          "a synchronous loop blocks the caller's own event loop: no timer can fire before it ends"),
    }, async () => {
      // One worker, so every task after the loop must run on its replacement.
      const executor = make(strategy, waiting, { export: 'busy', concurrency: 1 });
      try {
        const first = (await executor.run('warm')) as { workerId: number };
        await assert.rejects(executor.run('spin', { timeout: SHORT_TIMEOUT_MS }), TimeoutError);
        const after = (await executor.map(['p', 'q'])) as { input: string; workerId: number }[];
        assert.deepEqual(
          after.map((r) => r.input),
          ['p', 'q'],
        );
        for (const r of after)
          assert.notEqual(r.workerId, first.workerId, 'the spinning worker ran more tasks');
        assert.equal((await executor.usage()).workersStarted, 2);
      } finally {
        await executor.close();
      }
    });

    test('a synchronous loop that ignores its abort: its worker is replaced, later tasks complete', {
      skip:
        notRemote(strategy, REMOTE_SPIN) ??
        (!isPooled(strategy) && "a synchronous loop blocks the caller's own event loop"),
    }, async (t) => {
      const dir = tempDir(t);
      await withExecutor(strategy, waiting, { export: 'busy', taskOptions: { dir } }, async (executor) => {
        const controller = new AbortController();
        const spinning = executor.run('spin', { signal: controller.signal });
        await waitForFile(join(dir, 'started-spin'));
        controller.abort();
        await assert.rejects(spinning, (error) => assertAbortError(error, 0));
        const after = await executor.map(['p', 'q', 'r', 's']);
        assert.deepEqual(
          after.map((r) => (r as { input: string }).input),
          ['p', 'q', 'r', 's'],
        );
        // The stuck worker is killed ABORT_GRACE_MS after the abort, however soon the map is done.
        await waitUntil(
          'the stuck worker to be replaced',
          async () => (await executor.usage()).workersStarted >= 3,
        );
        assert.equal((await executor.usage()).workersStarted, 3);
      });
    });
  });
}
