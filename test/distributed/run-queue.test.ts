// Each run has a queue of its own and leaves nothing behind: after close() the test's own Redis
// holds no key and no connection of the run's; a worker joins runs announced after it started, and
// clears away a run whose producer was killed. Real redis-server, real `fanout worker` processes.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createExecutor } from '../../src/index.js';
import {
  queueFor,
  type RunningWorker,
  redisMissing,
  startWorker,
  stopWorker,
} from '../support/distributed.js';
import { type RedisServer, startRedis } from '../support/redis-server.js';

const slow = new URL('../../../test/fixtures/distributed/slow.mjs', import.meta.url);
const LIMIT = { timeout: 120_000 };
/** How long a test waits for a state no event announces (a guard, not a speed). */
const WAIT_MS = 60_000;
const missing = redisMissing();

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`gave up after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The ids of the clients connected now, but the asking one. */
async function clientIds(admin: Redis): Promise<Set<string>> {
  const me = String(await admin.client('ID'));
  const list = String(await admin.client('LIST'));
  const ids = [...list.matchAll(/^id=(\d+) /gm)].map((match) => match[1]!);
  return new Set(ids.filter((id) => id !== me));
}

/** The keys left in the test's Redis: none, once every run has ended and been cleared away. */
async function keysLeft(admin: Redis): Promise<string[]> {
  return admin.keys('*');
}

describe('distributed: a queue per run', { skip: missing && `distributed not run: ${missing}` }, () => {
  let redis: RedisServer;
  let admin: Redis;
  const workers: RunningWorker[] = [];
  const queue = queueFor(slow);
  before(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    for (let i = 0; i < 2; i++) workers.push(await startWorker(redis, slow, queue));
  });
  after(async () => {
    admin?.disconnect();
    await Promise.all(workers.map((worker) => stopWorker(worker, 'SIGKILL')));
    await redis?.stop();
  });

  test('after close() no key and no connection of the run is left', LIMIT, async () => {
    // The workers idle: they hold connections and keys of no run.
    assert.deepEqual(await admin.keys('*'), []);
    const before = await clientIds(admin);
    const executor = createExecutor({ task: slow, strategy: 'distributed', connection: redis.url, queue });
    const inputs = Array.from({ length: 100 }, (_, i) => i);
    const values = await executor.map(inputs);
    assert.deepEqual(
      values,
      inputs.map((i) => i * 2),
    );
    const keys = await admin.keys('*');
    assert.ok(
      keys.some((key) => key.startsWith(`bull:${queue}.`)),
      `the run's own queue, named after the base queue: ${keys.join(' ')}`,
    );
    assert.ok(!keys.some((key) => key.startsWith(`bull:${queue}:`)), 'nothing on the base queue itself');
    await executor.close();
    assert.deepEqual(await keysLeft(admin), [], 'no key left after close()');
    const after = await clientIds(admin);
    const opened = [...after].filter((id) => !before.has(id));
    assert.deepEqual(opened, [], 'no connection of the run left after close()');
  });

  test(
    'two runs at once on one base queue: each its own queue, both served, nothing left',
    LIMIT,
    async () => {
      const make = () =>
        createExecutor({ task: slow, strategy: 'distributed', connection: redis.url, queue });
      const [a, b] = [make(), make()];
      const [ra, rb] = await Promise.all([a.map([1, 2, 3]), b.map([4, 5, 6])]);
      assert.deepEqual(
        [ra, rb],
        [
          [2, 4, 6],
          [8, 10, 12],
        ],
      );
      await Promise.all([a.close(), b.close()]);
      assert.deepEqual(await keysLeft(admin), []);
    },
  );

  test(
    'fanout worker --in-flight K: the hybrid on the worker, K tasks in flight per local thread',
    LIMIT,
    async () => {
      const hybridQueue = `${queue}-hybrid`;
      const worker = await startWorker(redis, slow, hybridQueue, {
        strategy: 'threads',
        concurrency: 1,
        flags: ['--in-flight', '4'],
      });
      try {
        assert.match(worker.stderr(), /running them under threads \(concurrency 1, 4 tasks in flight each\)/);
        const executor = createExecutor({
          task: slow,
          strategy: 'distributed',
          connection: redis.url,
          queue: hybridQueue,
        });
        const inputs = Array.from({ length: 50 }, (_, i) => i);
        try {
          assert.deepEqual(
            await executor.map(inputs),
            inputs.map((i) => i * 2),
          );
        } finally {
          await executor.close();
        }
      } finally {
        await stopWorker(worker, 'SIGTERM');
      }
    },
  );

  test(
    "concurrency: 'adaptive' moves the jobs in flight within its bounds, every input once",
    LIMIT,
    async () => {
      const executor = createExecutor({
        task: slow,
        strategy: 'distributed',
        connection: redis.url,
        queue,
        concurrency: 'adaptive:1-32',
        taskOptions: { ms: 2 },
      });
      try {
        assert.deepEqual(executor.adaptive, { min: 1, max: 32 });
        const inputs = Array.from({ length: 3000 }, (_, i) => i);
        assert.deepEqual(
          await executor.map(inputs),
          inputs.map((i) => i * 2),
        );
        const history = executor.concurrencyHistory();
        // The slow start: from 4, doubling towards distributed's 16 jobs while no queue shows.
        assert.equal(history[0]!.limit, 4, 'the history starts at the slow start');
        for (const point of history) assert.ok(point.limit >= 1 && point.limit <= 32, `limit ${point.limit}`);
        const range = executor.concurrencyRange();
        assert.ok(range.min >= 1 && range.max <= 32);
      } finally {
        await executor.close();
      }
    },
  );

  test(
    "a worker that outstays close()'s wait: the run is left to the workers, who clear it once they let go",
    LIMIT,
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'fanout-outstay-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const started = join(dir, 'started');
      const executor = createExecutor({
        task: slow,
        strategy: 'distributed',
        connection: redis.url,
        queue,
        // spin blocks the worker's event loop: it cannot let go of the run until the 8 s are over.
        export: 'spin',
        taskOptions: { ms: 8000, started },
      });
      const controller = new AbortController();
      const running = executor.run(1, { signal: controller.signal });
      await waitFor('the task to spin on a worker', async () => existsSync(started));
      controller.abort();
      await assert.rejects(running, { name: 'AbortError' });
      await executor.close();
      const entries = await admin.hkeys(`fanout:${queue}:runs`);
      assert.equal(entries.length, 1, 'the run stays listed, for the workers to clear');
      assert.equal(await admin.exists(`fanout:${queue}:beat:${entries[0]}`), 0, 'without a heartbeat');
      let lastSeen = '';
      await waitFor('the workers to clear the run away', async () => {
        const left = await keysLeft(admin);
        if (left.length > 0) lastSeen = left.join(' ');
        return left.length === 0;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; left: ${lastSeen}`);
      });
    },
  );

  test(
    'a producer killed mid-run: the workers clear its run away once its heartbeat stops',
    LIMIT,
    async () => {
      let lastSeen = '';
      // A producer in its own process, killed while its jobs are out.
      const script = `
      import { createExecutor } from ${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)};
      const executor = createExecutor({ task: new URL(${JSON.stringify(slow.href)}), strategy: 'distributed',
        connection: ${JSON.stringify(redis.url)}, queue: ${JSON.stringify(queue)}, taskOptions: { ms: 200 } });
      let n = 0;
      for await (const _ of executor.stream(Array.from({ length: 500 }, (_, i) => i))) {
        if (++n === 5) process.stdout.write('running\\n');
      }
    `;
      const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
        cwd: fileURLToPath(new URL('.', import.meta.url)),
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout!.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('running')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`the producer exited (${code}) before it ran`)));
        });
        assert.ok((await admin.keys('*')).length > 0, 'the run has keys while it runs');
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      // Heartbeat's life, then the workers' wait of as long again: about 20 s, then it is all gone
      // (the results list too; a result pushed by a job still running is removed with it).
      await waitFor('the killed run to be cleared away', async () => {
        const left = await keysLeft(admin);
        if (left.length > 0) lastSeen = left.join(' ');
        return left.length === 0;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; left: ${lastSeen}`);
      });
    },
  );
});
