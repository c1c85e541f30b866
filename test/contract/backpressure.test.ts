// The contract, part 6: stream reads its inputs lazily, never far ahead of the results handed out.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  countingAsyncRange,
  countingRange,
  fixture,
  test,
  withDistributed,
  withExecutor,
} from './helpers.js';

const echo = fixture('echo.mjs');

const STRATEGIES = withDistributed([fixture('echo.mjs')]);

for (const strategy of STRATEGIES) {
  describe(`${strategy}: backpressure`, () => {
    for (const highWaterMark of [1, 4]) {
      for (const kind of ['sync', 'async'] as const) {
        test(`a ${kind} generator is never read more than highWaterMark ${highWaterMark} ahead`, async () => {
          const count = 2000;
          const { inputs, reads } = kind === 'sync' ? countingRange(count) : countingAsyncRange(count);
          await withExecutor<number, number>(strategy, echo, {}, async (executor) => {
            let consumed = 0;
            let maxAhead = 0;
            for await (const { index, value } of executor.stream(inputs, { highWaterMark })) {
              consumed++;
              assert.equal(value, index);
              maxAhead = Math.max(maxAhead, reads() - consumed);
              // A slow consumer: the stream must wait for it, not read on.
              if (consumed % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
            }
            assert.equal(consumed, count);
            assert.equal(reads(), count);
            assert.ok(maxAhead <= highWaterMark, `read ${maxAhead} inputs ahead of the results consumed`);
          });
        });
      }
    }

    test('leaving a stream early closes the input generator and stops reading it', async () => {
      let closed = false;
      let reads = 0;
      function* inputs(): Generator<number> {
        try {
          for (let i = 0; ; i++) {
            reads++;
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      await withExecutor<number, number>(strategy, echo, {}, async (executor) => {
        let consumed = 0;
        for await (const _ of executor.stream(inputs(), { highWaterMark: 8 })) {
          if (++consumed === 20) break;
        }
        assert.ok(closed, 'the input generator was not closed');
        const readsAtBreak = reads;
        assert.ok(readsAtBreak <= 20 + 8, `read ${readsAtBreak} inputs for 20 results`);
        // The executor is still usable, and the abandoned generator is not read again.
        assert.deepEqual(await executor.map([1, 2]), [1, 2]);
        assert.equal(reads, readsAtBreak);
      });
    });
  });
}
