// Work stealing (issue 10): inputs queued on a worker behind a long or stuck task are taken back and
// run by an idle worker, each exactly once; a thread never starts what was taken back from it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createExecutor, type Settled } from '../../src/index.js';

const task = new URL('../../../test/fixtures/stealing/tasks.mjs', import.meta.url);
/** How long the slow input holds its worker: far beyond what stealing needs (tens of ms). */
const SLOW_MS = 4000;
const COUNT = 200;

/**
 * Beside a task that holds its loop, a process may hold up to inFlight - 1 more it has not started:
 * without shared memory the pool cannot tell them from tasks waiting on I/O, so it leaves them.
 */
function heldBeside(strategy: 'threads' | 'processes', inFlight: number): number {
  return strategy === 'processes' ? inFlight - 1 : 0;
}

interface Ran {
  input: unknown;
  workerId: number;
}

for (const strategy of ['threads', 'processes'] as const) {
  for (const inFlight of [1, 3]) {
    describe(`${strategy}, ${inFlight} in flight per worker: work stealing`, () => {
      test('inputs queued behind a long task finish before it, each exactly once', async () => {
        const executor = createExecutor<unknown, Ran>({ task, strategy, concurrency: 2, inFlight });
        try {
          // Tiny tasks first, so the pool sends big batches: many inputs end up queued behind the slow one.
          await executor.map(Array.from({ length: 2000 }, (_, i) => i));
          const inputs: unknown[] = Array.from({ length: COUNT }, (_, i) =>
            i === 0 ? { spin: SLOW_MS } : i,
          );
          const order: number[] = [];
          for await (const outcome of executor.stream(inputs, { settle: true })) {
            assert.equal((outcome as Settled<Ran>).status, 'fulfilled');
            order.push(outcome.index);
          }
          assert.equal(order.length, COUNT);
          assert.equal(new Set(order).size, COUNT, 'an input came back twice');
          // Every other input was done while the slow one still ran: none waited behind it.
          const late = order.slice(order.indexOf(0) + 1);
          assert.ok(
            late.length <= heldBeside(strategy, inFlight),
            `inputs that finished after the slow one: ${late.join(', ')}`,
          );
        } finally {
          await executor.close();
        }
      });

      test('an input stuck for ever times out; the inputs queued behind it run elsewhere meanwhile', async () => {
        const executor = createExecutor<unknown, Ran>({
          task,
          strategy,
          concurrency: 2,
          inFlight,
          timeout: SLOW_MS,
        });
        try {
          const inputs: unknown[] = Array.from({ length: COUNT }, (_, i) =>
            i === 5 ? { spin: Infinity } : i,
          );
          const order: number[] = [];
          const failed: number[] = [];
          for await (const outcome of executor.stream(inputs, { settle: true })) {
            order.push(outcome.index);
            if (outcome.status === 'rejected') failed.push(outcome.index);
          }
          assert.equal(new Set(order).size, COUNT);
          assert.ok(failed.includes(5), 'the stuck input times out');
          // Those it held in a process's loop may fail with it; nothing queued behind it does.
          assert.ok(failed.length <= 1 + heldBeside(strategy, inFlight), `failed: ${failed.join(', ')}`);
          const late = order.slice(order.indexOf(5) + 1);
          assert.ok(late.length <= heldBeside(strategy, inFlight), `finished after it: ${late.join(', ')}`);
        } finally {
          await executor.close();
        }
      });
    });
  }
}
