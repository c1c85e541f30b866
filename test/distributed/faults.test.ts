// distributed under faults: a worker SIGKILLed, a poison input, a worker of another module, no
// worker at all, Redis restarted and Redis gone. Real redis-server, real `fanout worker` processes.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createExecutor, type Executor, type Settled } from '../../src/index.js';
import {
  FAST_CLOCKS,
  queueFor,
  type RunningWorker,
  redisMissing,
  startWorker,
  stopWorker,
} from '../support/distributed.js';
import { startRedis } from '../support/redis-server.js';

const fixture = (name: string): URL => new URL(`../../../test/fixtures/distributed/${name}`, import.meta.url);
const slow = fixture('slow.mjs');
const poison = fixture('poison.mjs');
const other = fixture('other.mjs');
/** A generous guard per test: recovering a killed worker's job takes its lock's time and a stall check. */
const LIMIT = { timeout: 120_000 };

type Redis = Awaited<ReturnType<typeof startRedis>>;

/** Each input's outcome exactly once, counted. */
function assertOncePerIndex(outcomes: Settled<unknown>[], count: number): void {
  assert.equal(outcomes.length, count, 'one outcome per input');
  const seen = new Uint8Array(count);
  for (const outcome of outcomes) {
    assert.equal(seen[outcome.index], 0, `input ${outcome.index} had two outcomes`);
    seen[outcome.index] = 1;
  }
}

function executorFor(redis: Redis, task: URL, extra: Record<string, unknown> = {}): Executor {
  return createExecutor({
    task,
    strategy: 'distributed',
    connection: redis.url,
    queue: queueFor(task),
    ...extra,
  });
}

/** Stream every input with settle: true, calling `onResult` with the count so far after each one. */
async function streamAll(
  executor: Executor,
  inputs: unknown[],
  onResult: (received: number) => void | Promise<void> = () => {},
): Promise<Settled<unknown>[]> {
  const outcomes: Settled<unknown>[] = [];
  for await (const outcome of executor.stream(inputs, { settle: true })) {
    outcomes.push(outcome);
    await onResult(outcomes.length);
  }
  return outcomes;
}

const missing = redisMissing();

describe('distributed under faults', { skip: missing && `distributed not run: ${missing}` }, () => {
  let redis: Redis;
  const workers: RunningWorker[] = [];
  before(async () => {
    redis = await startRedis();
  });
  const stopAll = async (): Promise<void> => {
    const all = workers.splice(0);
    await Promise.all(all.map((each) => stopWorker(each, 'SIGKILL')));
  };
  afterEach(stopAll);
  after(async () => {
    await stopAll();
    await redis?.stop();
  });
  const worker = async (
    task: URL,
    queueOf: URL = task,
    flags: string[] = FAST_CLOCKS,
  ): Promise<RunningWorker> => {
    const started = await startWorker(redis, task, queueFor(queueOf), { flags });
    workers.push(started);
    return started;
  };

  test('a worker SIGKILLed mid-run: its job runs on the other, one outcome per input', LIMIT, async () => {
    const [first] = [await worker(slow), await worker(slow)];
    const executor = executorFor(redis, slow, { taskOptions: { ms: 20 } });
    const inputs = Array.from({ length: 300 }, (_, i) => i);
    let killed = false;
    const outcomes = await streamAll(executor, inputs, async (received) => {
      if (!killed && received >= 30) {
        killed = true;
        await stopWorker(first!, 'SIGKILL');
      }
    });
    await executor.close();
    assert.ok(killed);
    assertOncePerIndex(outcomes, inputs.length);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'fulfilled', String((outcome as { reason?: Error }).reason));
      assert.equal((outcome as { value: number }).value, outcome.index * 2);
    }
  });

  test('SIGTERM drains a worker: the jobs it holds finish, it exits 0, nothing is lost', LIMIT, async () => {
    const [first] = [await worker(slow), await worker(slow)];
    const executor = executorFor(redis, slow, { taskOptions: { ms: 50 } });
    const inputs = Array.from({ length: 200 }, (_, i) => i);
    let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
    const outcomes = await streamAll(executor, inputs, (received) => {
      if (!exit && received >= 20) exit = stopWorker(first!, 'SIGTERM');
    });
    await executor.close();
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.match(first!.stderr(), /SIGTERM: draining: finishing the jobs held, taking nothing new/);
    assert.match(first!.stderr(), /stopped: \d+ jobs?, \d+ inputs? done \(0 failed\)/);
    assertOncePerIndex(outcomes, inputs.length);
    for (const outcome of outcomes) assert.equal(outcome.status, 'fulfilled');
  });

  test(
    'a poison input that kills every worker: one error after its attempts, the rest succeed',
    LIMIT,
    async () => {
      // Two workers, each replaced as it dies, as a supervisor (systemd, Kubernetes) would.
      let stopping = false;
      const supervise = async (): Promise<void> => {
        const running = await worker(poison);
        void running.exited.then(() => {
          if (!stopping) void supervise();
        });
      };
      await Promise.all([supervise(), supervise()]);
      const executor = executorFor(redis, poison);
      const inputs = Array.from({ length: 40 }, (_, i) => (i === 17 ? 'poison' : `ok ${i}`));
      try {
        const outcomes = await executor.map(inputs, { settle: true });
        assertOncePerIndex(outcomes, inputs.length);
        const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
        assert.equal(failed.length, 1, 'only the poison input fails');
        assert.equal(failed[0]!.index, 17);
        const reason = (failed[0] as { reason: Error }).reason;
        assert.equal(reason.name, 'WorkerDiedError');
        assert.match(
          reason.message,
          /input 17 of .*poison\.mjs killed every worker that ran it \(2 attempts/,
        );
        for (const outcome of outcomes) if (outcome.index !== 17) assert.equal(outcome.status, 'fulfilled');
      } finally {
        stopping = true;
        await executor.close();
        await stopAll();
      }
    },
  );

  test(
    'two workers of different modules on one queue: only the matching one joins; the other says once which run it skipped',
    LIMIT,
    async () => {
      const [stranger] = [await worker(other, slow), await worker(slow)];
      for (let round = 0; round < 2; round++) {
        const executor = executorFor(redis, slow);
        const inputs = Array.from({ length: 40 }, (_, i) => i);
        try {
          const outcomes = await executor.map(inputs, { settle: true });
          assertOncePerIndex(outcomes, inputs.length);
          for (const outcome of outcomes) {
            assert.equal(outcome.status, 'fulfilled', String((outcome as { reason?: unknown }).reason));
            assert.equal((outcome as { value: unknown }).value, outcome.index * 2);
          }
        } finally {
          await executor.close();
        }
      }
      const text = stranger!.stderr();
      const skips = text.split('\n').filter((line) => line.includes('not joining run'));
      assert.equal(skips.length, 2, `one line per run skipped: ${text}`);
      for (const line of skips) {
        assert.match(
          line,
          /^fanout worker: not joining run [0-9a-f]+: its task module is .*slow\.mjs \(sha256 [0-9a-f]{12}…\), this worker's is .*other\.mjs \(sha256 [0-9a-f]{12}…\)$/,
        );
      }
      assert.doesNotMatch(text, /refused a job/, 'the stranger never took a job to refuse it');
    },
  );

  test(
    'only workers of another module: nobody takes jobs, and the error says they listen with a different module',
    LIMIT,
    async () => {
      const stranger = await worker(other, slow);
      const executor = executorFor(redis, slow, { noWorkerTimeout: 1500 });
      const outcomes = await executor.map([1, 2, 3], { settle: true });
      await executor.close();
      assertOncePerIndex(outcomes, 3);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, 'rejected');
        const reason = (outcome as { reason: Error }).reason;
        assert.equal(reason.name, 'DistributedError');
        assert.match(
          reason.message,
          /no worker took jobs from queue "t-[0-9a-f]+" on redis:\/\/127\.0\.0\.1:\d+ for \d+ ms \(the `noWorkerTimeout` option\): 1 worker listens there, but with a different task module \(not the bytes of .*slow\.mjs\)/,
        );
      }
      assert.match(stranger.stderr(), /not joining run [0-9a-f]+: its task module is .*slow\.mjs/);
    },
  );

  test(
    'no worker at all: every input fails within noWorkerTimeout, saying nobody takes jobs',
    LIMIT,
    async () => {
      const executor = createExecutor({
        task: slow,
        strategy: 'distributed',
        connection: redis.url,
        queue: 'nobody-here',
        noWorkerTimeout: 1500,
      });
      const started = performance.now();
      const outcomes = await executor.map([1, 2, 3], { settle: true });
      const waited = performance.now() - started;
      await executor.close();
      assertOncePerIndex(outcomes, 3);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, 'rejected');
        assert.match(
          (outcome as { reason: Error }).reason.message,
          /no worker took jobs from queue "nobody-here" on redis:\/\/127\.0\.0\.1:\d+ for \d+ ms \(the `noWorkerTimeout` option\)/,
        );
      }
      // A guard against a hang, not a speed: the limit is 1.5 s, the check runs twice a second.
      assert.ok(waited < 30_000, `took ${waited} ms`);
    },
  );

  test(
    'Redis restarted mid-run (its data gone): the run waits, sends again, one outcome per input',
    LIMIT,
    async () => {
      await worker(slow);
      await worker(slow);
      const executor = executorFor(redis, slow, { taskOptions: { ms: 20 } });
      const inputs = Array.from({ length: 200 }, (_, i) => i);
      let restarted = false;
      const outcomes = await streamAll(executor, inputs, async (received) => {
        if (!restarted && received >= 20) {
          restarted = true;
          await redis.restart();
        }
      });
      await executor.close();
      assert.ok(restarted);
      assertOncePerIndex(outcomes, inputs.length);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, 'fulfilled', String((outcome as { reason?: Error }).reason));
      }
    },
  );

  test('Redis gone for good: every input fails with one message after redisDownTimeout', LIMIT, async () => {
    const executor = executorFor(redis, slow, { redisDownTimeout: 1500, taskOptions: { ms: 200 } });
    const running = executor.map([1, 2, 3, 4], { settle: true });
    await redis.stop();
    const outcomes = await running;
    await executor.close();
    assertOncePerIndex(outcomes, 4);
    const messages = new Set(outcomes.map((outcome) => (outcome as { reason?: Error }).reason?.message));
    assert.equal(messages.size, 1, [...messages].join('\n'));
    assert.match(
      [...messages][0]!,
      /^Redis at redis:\/\/127\.0\.0\.1:\d+ has not answered for \d+ ms \(the `redisDownTimeout` option\)/,
    );
  });
});
