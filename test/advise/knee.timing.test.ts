/**
 * The I/O concurrency search against a server whose capacity the test sets: the recommended
 * concurrency must lie near that capacity (the knee), within a factor of two either way.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { advise } from '../../src/advise/advise.js';
import { type CapacityServer, startCapacityServer } from './capacity-server.js';

const CAPACITY = 4;
const DELAY_MS = 40;

let server: CapacityServer;
before(async () => {
  server = await startCapacityServer(CAPACITY, DELAY_MS);
});
after(() => server.close());

test(`downloads from a server that serves ${CAPACITY} at once: async near ${CAPACITY}`, async () => {
  const download = new URL('../../../test/fixtures/advise/download.mjs', import.meta.url);
  const inputs = Array.from({ length: 300 }, (_, i) => `${server.url}page/${i}`);
  const advice = await advise({ task: download, inputs, budgetMs: 5000 });
  const summary = `${advice.verdict.reasons.join('\n')}\n${JSON.stringify(advice.probes)}`;
  assert.equal(advice.verdict.kind, 'io-bound', summary);
  assert.equal(advice.verdict.strategy, 'async', summary);
  assert.ok(
    advice.verdict.concurrency >= CAPACITY / 2 && advice.verdict.concurrency <= CAPACITY * 2,
    `concurrency ${advice.verdict.concurrency} is not near ${CAPACITY}\n${summary}`,
  );
  // The search went past the capacity and stopped there: it found the knee, not the cap.
  const levels = advice.probes.filter((p) => p.strategy === 'async').map((p) => p.concurrency);
  assert.ok(Math.max(...levels) > CAPACITY && Math.max(...levels) < 256, `levels ${levels}`);
  assert.ok(server.maxActive <= CAPACITY);
});
