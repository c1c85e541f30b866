// The contract, part 2: setup once per worker, teardown on close, close lets work finish, nothing leaks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StrategyName } from '../../src/index.js';
import {
  childPids,
  concurrencyOf,
  countLines,
  fixture,
  isPooled,
  make,
  notRemote,
  range,
  readLines,
  remoteOptions,
  tempDir,
  test,
  threadCount,
  waitForFile,
  withDistributed,
  withExecutor,
} from './helpers.js';

const lifecycle = fixture('lifecycle.mjs');
const STRATEGIES = withDistributed([
  lifecycle,
  fixture('waiting.mjs'),
  fixture('echo.mjs'),
  fixture('typed.ts'),
]);
/** How long a child script may take to end on its own before the test calls it a hang. */
const EXIT_LIMIT_MS = 20_000;

interface Seen {
  workerId: number;
  state: { workerId: number };
}

/** Runs the exits.mjs script and resolves with its exit code and output once every holder of its stdio is gone. */
function runScript(strategy: StrategyName, ending: 'close' | 'forget', task: URL) {
  const script = fileURLToPath(fixture('exits.mjs'));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const remote = JSON.stringify(remoteOptions(strategy, task));
    const child = spawn(process.execPath, [script, strategy, ending, task.href, remote], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${strategy}/${ending}: the script did not end on its own within ${EXIT_LIMIT_MS} ms`),
      );
    }, EXIT_LIMIT_MS);
    // 'close' waits for stdout and stderr to end, which the workers (inheriting them) hold open too:
    // so it means the script and every process it started are gone.
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

before(async () => {
  // Start what a process starts once and keeps, so the thread count the leak test measures is stable:
  // libuv's thread pool, and the module loader's hooks thread that tsx registers for a .ts task.
  await readFile(fileURLToPath(import.meta.url));
  const warmUp = make('sequential', fixture('typed.ts'));
  await warmUp.run({ width: 1, height: 1 });
  await warmUp.close();
});

for (const strategy of STRATEGIES) {
  describe(`${strategy}: lifecycle`, () => {
    test('setup runs once per worker, and its state is what tasks see', {
      skip: notRemote(
        strategy,
        "setup runs in each fanout worker's own local workers, whose ids are local to it (two worker processes each have a worker 0)",
      ),
    }, async (t) => {
      const dir = tempDir(t);
      const results = await withExecutor(strategy, lifecycle, { taskOptions: { dir } }, async (executor) => {
        const mapped = (await executor.map(range(300))) as Seen[];
        const streamed = [];
        for await (const { value } of executor.stream(range(50))) streamed.push(value as Seen);
        const ran = (await Promise.all(range(20).map((i) => executor.run(i)))) as Seen[];
        return [...mapped, ...streamed, ...ran];
      });
      const setups = countLines(readLines(join(dir, 'setup.log')));
      for (const [workerId, count] of setups)
        assert.equal(count, 1, `setup ran ${count} times in worker ${workerId}`);
      const ids = [...setups.keys()].map(Number).sort();
      if (isPooled(strategy)) {
        assert.deepEqual(
          ids,
          range(concurrencyOf(strategy)).map((i) => i + 1),
        );
      } else {
        assert.deepEqual(ids, [0]);
      }
      for (const result of results) {
        assert.ok(setups.has(String(result.workerId)), `worker ${result.workerId} ran a task without setup`);
        assert.equal(result.state.workerId, result.workerId);
      }
    });

    test('teardown runs on close, once per worker, and not before', {
      skip: notRemote(strategy, "teardown runs when each fanout worker stops, not at the producer's close()"),
    }, async (t) => {
      const dir = tempDir(t);
      const executor = make(strategy, lifecycle, { taskOptions: { dir } });
      await executor.map(range(20));
      assert.equal(existsSync(join(dir, 'teardown.log')), false, 'teardown ran before close()');
      await executor.close();
      const setups = readLines(join(dir, 'setup.log')).sort();
      const teardowns = readLines(join(dir, 'teardown.log')).sort();
      assert.ok(teardowns.length > 0, 'teardown did not run');
      assert.deepEqual(teardowns, setups);
      // A second close is harmless and does not run teardown again.
      await executor.close();
      assert.deepEqual(readLines(join(dir, 'teardown.log')).sort(), setups);
    });

    test('close lets in-flight work finish first', async (t) => {
      const dir = tempDir(t);
      const executor = make(strategy, fixture('waiting.mjs'), { taskOptions: { dir } });
      const inFlight = executor.run('x');
      let settledBeforeClose = false;
      void inFlight.then(() => {
        settledBeforeClose = true;
      });
      await waitForFile(join(dir, 'started-x'));
      const closing = executor.close();
      writeFileSync(join(dir, 'release-x'), '');
      await closing;
      assert.ok(settledBeforeClose, 'close() resolved before the task it was waiting for');
      assert.equal(await inFlight, 'released');
    });

    test('after close no thread or child process of fanout is left', async () => {
      const threadsBefore = threadCount();
      assert.deepEqual(childPids(), [], 'children before the test');
      for (const task of [fixture('echo.mjs'), fixture('typed.ts')]) {
        const executor = make(strategy, task);
        await executor.map(range(10).map((n) => ({ width: n, height: 1 })));
        if (strategy === 'processes') assert.ok(childPids().length > 0, 'no child process was started');
        if (strategy === 'threads') assert.ok(threadCount() > threadsBefore, 'no thread was started');
        await executor.close();
        assert.deepEqual(childPids(), [], `child processes left after close() (task ${task.pathname})`);
        assert.ok(
          threadCount() <= threadsBefore,
          `${threadCount() - threadsBefore} threads left after close() (task ${task.pathname})`,
        );
      }
    });

    test('a program that closes its executor ends on its own', async () => {
      const { code, stdout, stderr } = await runScript(strategy, 'close', fixture('echo.mjs'));
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '[1,2,3,4]\n');
    });

    test('a program that forgets to close its executor still ends on its own', async () => {
      const { code, stdout, stderr } = await runScript(strategy, 'forget', fixture('echo.mjs'));
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '[1,2,3,4]\n');
    });
  });
}
