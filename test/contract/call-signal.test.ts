// The contract, part 10: a signal given to map or stream abandons the whole call.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { AbortError } from '../../src/index.js';
import { collect, fixture, tempDir, test, waitForFile, withDistributed, withExecutor } from './helpers.js';

const waiting = fixture('waiting.mjs');

function assertCallAborted(error: unknown, call: 'map' | 'stream', reason: unknown): true {
  assert.ok(error instanceof AbortError, `expected an AbortError, got ${String(error)}`);
  assert.equal(error.code, 'ERR_FANOUT_ABORTED');
  assert.equal(error.message, `the ${call} was aborted by its signal`);
  assert.equal(error.cause, reason);
  return true;
}

const STRATEGIES = withDistributed([fixture('waiting.mjs')]);

for (const strategy of STRATEGIES) {
  describe(`${strategy}: a signal for the whole call`, () => {
    test('map over an array: abort rejects at once, running tasks see their signal, the executor goes on', async (t) => {
      const dir = tempDir(t);
      await withExecutor(strategy, waiting, { taskOptions: { dir } }, async (executor) => {
        const controller = new AbortController();
        const mapped = executor.map(['x', 'y'], { signal: controller.signal });
        await waitForFile(join(dir, 'started-x'));
        const reason = new Error('enough');
        controller.abort(reason);
        await assert.rejects(mapped, (error) => assertCallAborted(error, 'map', reason));
        await waitForFile(join(dir, 'aborted-x'));
        assert.deepEqual(await executor.map([1, 2, 3]), [1, 2, 3]);
      });
    });

    test('an already aborted signal: map and stream refuse before running anything', async (t) => {
      const dir = tempDir(t);
      await withExecutor(strategy, waiting, { taskOptions: { dir } }, async (executor) => {
        const signal = AbortSignal.abort('no');
        await assert.rejects(executor.map(['x'], { signal }), (error) =>
          assertCallAborted(error, 'map', 'no'),
        );
        await assert.rejects(collect(executor.stream(['x'], { signal })), (error) =>
          assertCallAborted(error, 'stream', 'no'),
        );
        await assert.rejects(executor.map((function* () {})(), { signal }), AbortError);
      });
    });

    test('stream: abort while waiting for results or for a stalled source throws at once', async (t) => {
      const dir = tempDir(t);
      await withExecutor(strategy, waiting, { taskOptions: { dir } }, async (executor) => {
        // Waiting for a result that will not come.
        const controller = new AbortController();
        const streamed = collect(executor.stream(['x', 1], { signal: controller.signal }));
        await waitForFile(join(dir, 'started-x'));
        controller.abort('stop');
        await assert.rejects(streamed, (error) => assertCallAborted(error, 'stream', 'stop'));
        // Waiting for a source that never yields.
        const stalled = new AbortController();
        async function* never(): AsyncGenerator<number> {
          yield await new Promise<number>(() => {});
        }
        const waitingForSource = collect(executor.stream(never(), { signal: stalled.signal }));
        setImmediate(() => stalled.abort('late'));
        await assert.rejects(waitingForSource, (error) => assertCallAborted(error, 'stream', 'late'));
        // Release x so that close() does not wait for it.
        writeFileSync(join(dir, 'release-x'), '');
      });
    });
  });
}
