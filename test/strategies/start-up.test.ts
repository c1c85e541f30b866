// Workers start as work arrives, up to `concurrency`, and never more than there is work for (issue 14:
// `processes` used to start 12 processes for 3 inputs). Counted three ways: the pool's own count
// (usage), the workers that ran the tasks, and for processes the live children of this process.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createExecutor, type Executor } from '../../src/index.js';
import { childPids, collect } from '../contract/helpers.js';

const WHERE = new URL('../../../test/fixtures/start-up/where.mjs', import.meta.url);

interface Where {
  input: unknown;
  workerId: number;
  setupOf: number;
  pid: number;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

for (const strategy of ['threads', 'processes'] as const) {
  describe(`${strategy}: workers start as work arrives`, () => {
    /** Checks, while the pool is still open, that at most `most` workers were ever started. */
    async function assertStartedAtMost(executor: Executor, results: Where[], most: number): Promise<void> {
      const usage = await executor.usage();
      assert.ok(usage.workersStarted >= 1, 'no worker started');
      assert.ok(usage.workersStarted <= most, `${usage.workersStarted} workers started for ${most} inputs`);
      assert.ok(new Set(results.map((r) => r.workerId)).size <= usage.workersStarted);
      if (strategy === 'processes') {
        const children = childPids();
        assert.ok(children.length <= most, `${children.length} child processes for ${most} inputs`);
        for (const { pid } of results)
          assert.ok(children.includes(pid), `the worker ${pid} is not a live child`);
      } else {
        for (const { pid } of results) assert.equal(pid, process.pid);
      }
    }

    test('3 inputs with concurrency 12: map starts at most 3 workers', async () => {
      const executor = createExecutor<number, Where>({
        task: WHERE,
        strategy,
        concurrency: 12,
        timeline: true,
      });
      try {
        const results = await executor.map([0, 1, 2]);
        assert.deepEqual(
          results.map((r) => r.input),
          [0, 1, 2],
        );
        await assertStartedAtMost(executor, results, 3);
        // The timeline's lanes are the workers that ran: no more than were started.
        const lanes = new Set(executor.timeline().map((entry) => entry.workerId));
        assert.deepEqual([...lanes].sort(), [...new Set(results.map((r) => r.workerId))].sort());
      } finally {
        await executor.close();
      }
      if (strategy === 'processes') assert.deepEqual(childPids(), [], 'a child outlived close()');
    });

    test('3 inputs with concurrency 12: run and stream start at most 3 workers', async () => {
      const executor = createExecutor<number, Where>({ task: WHERE, strategy, concurrency: 12 });
      try {
        const ran = await Promise.all([0, 1, 2].map((i) => executor.run(i)));
        await assertStartedAtMost(executor, ran, 3);
        const streamed = (await collect(executor.stream([3, 4, 5]))).map((r) => r.value);
        await assertStartedAtMost(executor, [...ran, ...streamed], 3);
      } finally {
        await executor.close();
      }
    });

    test('one task after another keeps one worker', async () => {
      const executor = createExecutor<number, Where>({ task: WHERE, strategy, concurrency: 4 });
      try {
        const results: Where[] = [];
        for (const i of range(5)) results.push(await executor.run(i));
        assert.equal((await executor.usage()).workersStarted, 1);
        assert.equal(new Set(results.map((r) => r.workerId)).size, 1);
      } finally {
        await executor.close();
      }
    });

    test('a job with work for every worker starts all of them, each set up once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fanout-start-up-'));
      const executor = createExecutor<{ ms: number }, Where>({
        task: WHERE,
        export: 'slow',
        strategy,
        concurrency: 3,
        taskOptions: { dir },
      });
      try {
        const results = await executor.map(range(30).map(() => ({ ms: 20 })));
        assert.equal(results.length, 30);
        assert.equal((await executor.usage()).workersStarted, 3);
        // A second job on the same pool starts nothing more.
        await executor.map(range(30).map(() => ({ ms: 5 })));
        assert.equal((await executor.usage()).workersStarted, 3);
      } finally {
        await executor.close();
      }
      const setups = readFileSync(join(dir, 'setup.log'), 'utf8').trim().split('\n');
      assert.deepEqual(setups.sort(), ['1', '2', '3']);
      rmSync(dir, { recursive: true, force: true });
    });

    test('more work later grows the pool up to its concurrency, never past it', async () => {
      const executor = createExecutor<number, Where>({ task: WHERE, strategy, concurrency: 2 });
      try {
        await executor.run(0);
        assert.equal((await executor.usage()).workersStarted, 1);
        const results = await executor.map(range(200));
        assert.equal(results.length, 200);
        const started = (await executor.usage()).workersStarted;
        assert.ok(started <= 2, `${started} workers started with concurrency 2`);
      } finally {
        await executor.close();
      }
    });

    test('prestart starts every worker before any task, and a job then starts no more', async () => {
      const executor = createExecutor<number, Where>({ task: WHERE, strategy, concurrency: 3 });
      try {
        executor.prestart();
        assert.equal((await executor.usage()).workersStarted, 3);
        executor.prestart(); // the pool is full: nothing more
        const results = await executor.map(range(30));
        assert.deepEqual(
          results.map((r) => r.input),
          range(30),
        );
        assert.equal((await executor.usage()).workersStarted, 3);
      } finally {
        await executor.close();
      }
    });

    test('prestarted workers that never ran a task close with the pool', async () => {
      const executor = createExecutor<number, Where>({ task: WHERE, strategy, concurrency: 2 });
      executor.prestart();
      await executor.close();
      executor.prestart(); // closed: nothing starts
      if (strategy === 'processes') assert.deepEqual(childPids(), []);
    });
  });
}
