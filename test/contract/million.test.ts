// The contract, part 6b: a stream of a million inputs completes, reading only a bounded window ahead.
// (Its own file, the heaviest one, so the runner can overlap it with the others.)
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { countingRange, fixture, test, withDistributed, withExecutor } from './helpers.js';

const echo = fixture('echo.mjs');
const MILLION = 1_000_000;
/** The documented bound of `stream`'s read-ahead when no highWaterMark is given. */
const MAX_READ_AHEAD = 8192;

const STRATEGIES = withDistributed([fixture('echo.mjs')]);

for (const strategy of STRATEGIES) {
  describe(`${strategy}: a million inputs`, () => {
    test(`a generator of ${MILLION.toLocaleString('en')} inputs completes without being read whole`, async () => {
      const { inputs, reads } = countingRange(MILLION);
      await withExecutor<number, number>(strategy, echo, {}, async (executor) => {
        const seen = new Uint8Array(MILLION);
        let consumed = 0;
        let maxAhead = 0;
        for await (const { index } of executor.stream(inputs)) {
          if (seen[index] === 1) assert.fail(`index ${index} seen twice`);
          seen[index] = 1;
          consumed++;
          const ahead = reads() - consumed;
          if (ahead > maxAhead) maxAhead = ahead;
        }
        assert.equal(consumed, MILLION);
        assert.ok(maxAhead <= MAX_READ_AHEAD, `read ${maxAhead} inputs ahead of the results consumed`);
      });
    });
  });
}
