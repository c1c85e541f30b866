// The contract, part 5: a worker that dies fails only the task it ran; a replacement takes over.
import assert from 'node:assert/strict';
import { readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Executor, type StrategyName, WorkerDiedError } from '../../src/index.js';
import {
  collect,
  fixture,
  isPooled,
  make,
  notRemote,
  range,
  readLines,
  tempDir,
  test,
  withDistributed,
} from './helpers.js';

const dying = fixture('dying.mjs');
// Under distributed, each fanout worker runs its inputs in child processes of its own: a task that kills
// its process kills one of those, and the worker's pool says so, as on one machine.
const STRATEGIES = withDistributed([dying], 2, { strategy: 'processes', concurrency: 2 });
const dyingPath = fileURLToPath(dying);
const MEMORY_LIMIT_MB = 32;

interface Ran {
  input: string;
  workerId: number;
}

interface Death {
  /** The export of dying.mjs that kills its worker this way. */
  name: string;
  /** How the error must say the worker died. */
  how: RegExp;
  /** Why a strategy cannot test this death, if it cannot. */
  skip(strategy: StrategyName): string | false;
  /** Anything the test must do from outside to make the death happen; returns a stop function. */
  outside?(dir: string): () => void;
}

const IN_PROCESS = 'the task runs in the caller: a worker death would end the test process itself';
/** Where a death can happen: in a worker of a pool, here or in a fanout worker's own pool. */
const canDie = (strategy: StrategyName): boolean => isPooled(strategy) || strategy === 'distributed';

/** Kills, with SIGKILL, every process that writes `pid-<pid>` into `dir`. */
function killEachPidFile(dir: string): () => void {
  const killed = new Set<string>();
  const sweep = (): void => {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith('pid-') || killed.has(name)) continue;
      killed.add(name);
      try {
        process.kill(Number(name.slice(4)), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const watcher = watch(dir, sweep);
  sweep();
  return () => watcher.close();
}

const DEATHS: Death[] = [
  {
    name: 'exit',
    how: /exited with code 3/,
    skip: (strategy) => !canDie(strategy) && IN_PROCESS,
  },
  {
    name: 'timerThrow',
    how: /uncaught exception: Error: boom from a timer/,
    skip: (strategy) => !canDie(strategy) && IN_PROCESS,
  },
  {
    name: 'oom',
    how: new RegExp(`out of memory \\(limit ${MEMORY_LIMIT_MB} MiB\\)`),
    // Under distributed the producer's maxMemoryMb travels with the run to each fanout worker's pool.
    skip: (strategy) => !canDie(strategy) && IN_PROCESS,
  },
  {
    name: 'awaitKill',
    how: /killed by SIGKILL/,
    skip: (strategy) =>
      strategy !== 'processes' &&
      strategy !== 'distributed' &&
      (strategy === 'threads' ? 'a thread has no pid of its own to SIGKILL' : IN_PROCESS),
    outside: killEachPidFile,
  },
];

function assertDied(error: unknown, index: number, how: RegExp): void {
  assert.ok(error instanceof WorkerDiedError, `expected a WorkerDiedError, got ${String(error)}`);
  assert.equal(error.code, 'ERR_FANOUT_WORKER_DIED');
  assert.equal(error.index, index);
  assert.ok(error.message.includes(dyingPath), `the message does not name the module: ${error.message}`);
  assert.match(error.message, new RegExp(`\\binput ${index}\\b`));
  assert.match(error.message, how);
}

async function withDeath<T>(
  strategy: StrategyName,
  death: Death,
  dir: string,
  concurrency: number,
  body: (executor: Executor<string, Ran>) => Promise<T>,
): Promise<T> {
  const stop = death.outside?.(dir);
  const executor = make<string, Ran>(strategy, dying, {
    export: death.name,
    concurrency,
    maxMemoryMb: MEMORY_LIMIT_MB,
    taskOptions: { dir },
  });
  try {
    return await body(executor);
  } finally {
    await executor.close();
    stop?.();
  }
}

for (const strategy of STRATEGIES) {
  describe(`${strategy}: worker deaths`, () => {
    for (const death of DEATHS) {
      for (const mode of ['map', 'stream'] as const) {
        const name = `${death.name} in a ${mode}: only that input fails, every other completes, a replacement is started`;
        test(name, { skip: death.skip(strategy) }, async (t) => {
          const dir = tempDir(t);
          const inputs = ['a', 'b', 'c', 'die', 'd', 'e', 'f', 'g', 'h', 'i'];
          await withDeath(strategy, death, dir, 2, async (executor) => {
            const outcomes =
              mode === 'map'
                ? await executor.map(inputs, { settle: true })
                : (await collect(executor.stream(inputs, { settle: true }))).sort(
                    (x, y) => x.index - y.index,
                  );
            assert.deepEqual(
              outcomes.map((o) => o.index),
              range(inputs.length),
            );
            outcomes.forEach((outcome, index) => {
              if (inputs[index] === 'die') {
                assert.equal(outcome.status, 'rejected');
                assertDied((outcome as { reason: unknown }).reason, index, death.how);
              } else {
                const reason = (outcome as { reason?: unknown }).reason;
                assert.equal(outcome.status, 'fulfilled', `input ${index}: ${String(reason)}`);
                assert.equal((outcome as { value: Ran }).value.input, inputs[index]);
              }
            });
            // A process killed outright cannot say which input it ran, so the pool may run its inputs
            // again one by one, and lose a second worker to the culprit: at least one replacement.
            // (Under distributed the replacement is the fanout worker's own: usage() counts fanout workers.)
            if (strategy !== 'distributed') assert.ok((await executor.usage()).workersStarted >= 3);
          });
        });
      }

      test(`${death.name}: later tasks run on a new worker`, {
        skip:
          notRemote(
            strategy,
            "worker ids, setup and teardown are each fanout worker's local pool's, and teardown runs when it stops",
          ) || death.skip(strategy),
      }, async (t) => {
        const dir = tempDir(t);
        // One worker, so what runs after the death runs on its replacement.
        const [dead, replacement] = await withDeath(strategy, death, dir, 1, async (executor) => {
          const before = await executor.run('a');
          await assert.rejects(executor.run('die'), (error) => {
            assertDied(error, 1, death.how);
            return true;
          });
          const after = await executor.run('b');
          assert.notEqual(after.workerId, before.workerId);
          assert.deepEqual(
            (await executor.map(['c', 'd', 'e'])).map((r) => r.workerId),
            [after.workerId, after.workerId, after.workerId],
          );
          return [String(before.workerId), String(after.workerId)];
        });
        // The replacement ran its own setup, and its teardown at close; the dead worker could not.
        assert.deepEqual(readLines(join(dir, 'setup.log')), [dead, replacement]);
        assert.deepEqual(readLines(join(dir, 'teardown.log')), [replacement]);
      });
    }

    test('the error of a worker that threw from a timer carries that exception as its cause', {
      skip: !canDie(strategy) && IN_PROCESS,
    }, async (t) => {
      const dir = tempDir(t);
      await withDeath(strategy, DEATHS[1]!, dir, 1, async (executor) => {
        const error = await executor.run('die').then(
          () => assert.fail('run resolved'),
          (reason: unknown) => reason as Error,
        );
        const cause = error.cause as Error;
        assert.ok(cause instanceof Error);
        assert.equal(cause.message, 'boom from a timer');
        assert.ok(cause.stack?.includes('dying.mjs'), cause.stack);
      });
    });
  });
}
