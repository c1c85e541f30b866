// The producer's setupTimeout, teardownTimeout and maxMemoryMb travel with the run to each `fanout
// worker`'s local pool (the contract suite checks setupTimeout and maxMemoryMb through the producer's
// errors). Teardown runs when the worker stops, so the teardownTimeout is checked there: on the
// worker's stderr. Real redis-server, a real `fanout worker` process.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createExecutor } from '../../src/index.js';
import { queueFor, redisMissing, startWorker, stopWorker } from '../support/distributed.js';
import { type RedisServer, startRedis } from '../support/redis-server.js';

const hangs = new URL('../../../test/fixtures/contract/hangs.mjs', import.meta.url);
const LIMIT = { timeout: 120_000 };
const missing = redisMissing();

describe('distributed: the producer limits reach the workers', {
  skip: missing && `distributed not run: ${missing}`,
}, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  test(
    "a teardown that never finishes: the worker stops anyway, warning with the run's teardownTimeout",
    LIMIT,
    async () => {
      const queue = `${queueFor(hangs)}-teardown`;
      const worker = await startWorker(redis, hangs, queue, { strategy: 'threads', concurrency: 1 });
      try {
        const executor = createExecutor({
          task: hangs,
          strategy: 'distributed',
          connection: redis.url,
          queue,
          taskOptions: { hang: 'teardown' },
          teardownTimeout: 300,
        });
        try {
          assert.deepEqual(await executor.map([1, 2, 3]), [1, 2, 3]);
        } finally {
          await executor.close();
        }
      } finally {
        const exit = await stopWorker(worker, 'SIGTERM');
        assert.equal(exit.code, 0, worker.stderr());
      }
      assert.match(
        worker.stderr(),
        /teardown of .*hangs\.mjs.* did not finish within 300 ms \(the `teardownTimeout` option\)/,
      );
    },
  );
});
