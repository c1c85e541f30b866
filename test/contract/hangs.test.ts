// The contract, part 9: a setup or a teardown that never finishes gets a time limit and a clear word.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { SetupError } from '../../src/index.js';
import { collect, fixture, make, notRemote, test, withDistributed } from './helpers.js';

const hangs = fixture('hangs.mjs');
const STRATEGIES = withDistributed([hangs]);
/**
 * Why the teardown case does not hold as worded under `distributed`: the producer's teardownTimeout
 * travels with the run, but teardown runs when each fanout worker stops, so its warning is the
 * worker's (test/distributed/limits.test.ts checks it there).
 */
const REMOTE_TEARDOWN =
  "teardown runs when each fanout worker stops, not at the producer's close(): the teardownTimeout warning is the worker's, on its stderr (test/distributed/limits.test.ts)";
/** Short limits, so that the test is quick; what is checked is that they act, not how fast. */
const LIMIT_MS = 300;

for (const strategy of STRATEGIES) {
  describe(`${strategy}: setup and teardown that hang`, () => {
    test('a setup that never finishes fails every call with a SetupError naming setupTimeout', async () => {
      const executor = make(strategy, hangs, { taskOptions: { hang: 'setup' }, setupTimeout: LIMIT_MS });
      try {
        const named = (error: unknown): true => {
          assert.ok(error instanceof SetupError, `expected a SetupError, got ${String(error)}`);
          assert.match(
            error.message,
            /setup of .*hangs\.mjs did not finish within 300 ms \(the `setupTimeout` option\)/,
          );
          return true;
        };
        await assert.rejects(executor.run(1), named);
        const outcomes = await executor.map([1, 2, 3], { settle: true });
        assert.equal(outcomes.length, 3);
        for (const outcome of outcomes) named((outcome as { reason: unknown }).reason);
        await assert.rejects(collect(executor.stream([1, 2])), named);
      } finally {
        await executor.close();
      }
    });

    test('a teardown that never finishes: close() goes on, with a warning naming teardownTimeout', {
      skip: notRemote(strategy, REMOTE_TEARDOWN),
    }, async () => {
      const warnings: string[] = [];
      const onWarning = (warning: Error): void => void warnings.push(warning.message);
      process.on('warning', onWarning);
      try {
        const executor = make(strategy, hangs, {
          taskOptions: { hang: 'teardown' },
          teardownTimeout: LIMIT_MS,
        });
        assert.deepEqual(await executor.map([1, 2, 3]), [1, 2, 3]);
        await executor.close();
        // Warnings are emitted on the next tick.
        await new Promise((resolve) => setImmediate(resolve));
        assert.ok(
          warnings.some((w) =>
            /teardown of .*hangs\.mjs.* did not finish within 300 ms \(the `teardownTimeout` option\)/.test(
              w,
            ),
          ),
          `no teardown warning in ${JSON.stringify(warnings)}`,
        );
      } finally {
        process.off('warning', onWarning);
      }
    });
  });
}
