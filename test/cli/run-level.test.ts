/** `fanout run --concurrency` in compare's notation, and `--in-flight`: the level run uses, or one line naming the flags. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from '../../src/cli/errors.js';
import {
  parseRunConcurrency,
  parseRunInFlight,
  type RunLevelFlags,
  runLevel,
} from '../../src/cli/run-level.js';
import type { StrategyChoice } from '../../src/core/options.js';

/** The level for `-c TEXT` (and `--in-flight`) under `strategy`. */
function level(strategy: StrategyChoice, text: string | undefined, inFlight?: string, byDefault = false) {
  const flags: RunLevelFlags = {
    strategy,
    byDefault,
    inFlight: inFlight === undefined ? 1 : parseRunInFlight(inFlight),
    inFlightGiven: inFlight !== undefined,
    ...(text === undefined ? {} : { concurrency: parseRunConcurrency(text) }),
  };
  return runLevel(flags);
}

/** The one line a refusal says. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof CliError, String(error));
    assert.equal(error.message.includes('\n'), false);
    return error.message;
  }
  assert.fail('expected a refusal');
}

test("run takes compare's notation, and a bare item for --strategy: the level it runs at", () => {
  assert.deepEqual(level('async', 'async=adaptive'), { concurrency: 'adaptive', inFlight: 1 });
  assert.deepEqual(level('async', 'adaptive'), { concurrency: 'adaptive', inFlight: 1 });
  assert.deepEqual(level('async', 'adaptive:4-256'), { concurrency: 'adaptive:4-256', inFlight: 1 });
  assert.deepEqual(level('distributed', 'adaptive'), { concurrency: 'adaptive', inFlight: 1 });
  assert.deepEqual(level('threads', 'threads=2x8'), { concurrency: 2, inFlight: 8 });
  assert.deepEqual(level('threads', '2x8'), { concurrency: 2, inFlight: 8 });
  assert.deepEqual(level('processes', 'processes=2×8'), { concurrency: 2, inFlight: 8 });
  assert.deepEqual(level('threads', 'threads=2xadaptive'), { concurrency: 2, inFlight: 'adaptive' });
  assert.deepEqual(level('threads', 'threads=2xadaptive:1-16'), {
    concurrency: 2,
    inFlight: 'adaptive:1-16',
  });
  assert.deepEqual(level('threads', '8'), { concurrency: 8, inFlight: 1 });
  assert.deepEqual(level('threads', '8', 'adaptive'), { concurrency: 8, inFlight: 'adaptive' });
  assert.deepEqual(level('threads', 'threads=4,async=32'), { concurrency: 4, inFlight: 1 });
  assert.deepEqual(level('async', 'threads=4,async=32'), { concurrency: 32, inFlight: 1 });
  assert.deepEqual(level('async', '8,threads=2'), { concurrency: 8, inFlight: 1 });
  assert.deepEqual(level('threads', '2x8', '8'), { concurrency: 2, inFlight: 8 }, 'the same K twice agrees');
  assert.deepEqual(level('auto', '8', undefined, true), { concurrency: 8, inFlight: 1 });
  assert.deepEqual(
    level('sequential', '8'),
    { inFlight: 1 },
    'a bare number is for the strategies with more',
  );
  assert.deepEqual(level('threads', undefined, '4'), { inFlight: 4 });
  assert.deepEqual(level('auto', undefined), { inFlight: 1 });
});

test('what --strategy cannot take is refused in one line that names the flags, not the library options', () => {
  assert.equal(
    refusal(() => level('threads', 'adaptive')),
    '--concurrency adaptive is not available under --strategy threads, whose workers are fixed: use --in-flight adaptive to move the tasks in flight per worker, or --strategy async',
  );
  assert.equal(
    refusal(() => level('auto', 'adaptive', undefined, true)),
    '--concurrency adaptive is not yet available under --strategy auto (the default), which picks an adaptive limit itself for a task that mostly waits: name --strategy async (or threads with --in-flight adaptive) to choose one',
  );
  assert.equal(
    refusal(() => level('auto', 'adaptive:2-8')),
    '--concurrency adaptive:2-8 is not yet available under --strategy auto, which picks an adaptive limit itself for a task that mostly waits: name --strategy async (or threads with --in-flight adaptive) to choose one',
  );
  assert.equal(
    refusal(() => level('sequential', 'adaptive')),
    '--concurrency adaptive needs tasks in flight to adapt, and --strategy sequential runs one at a time: use --strategy async',
  );
  assert.equal(
    refusal(() => level('async', undefined, 'adaptive')),
    '--in-flight adaptive applies to --strategy threads or processes; under --strategy async, use --concurrency adaptive',
  );
  assert.equal(
    refusal(() => level('async', undefined, '4')),
    '--in-flight applies to --strategy threads or processes; under --strategy async, --concurrency is the tasks in flight',
  );
  assert.equal(
    refusal(() => level('auto', undefined, '4', true)),
    '--in-flight applies to --strategy threads or processes; under --strategy auto (the default), the advisor picks the tasks in flight itself',
  );
  assert.equal(
    refusal(() => level('distributed', undefined, '4')),
    '--in-flight applies to --strategy threads or processes; under --strategy distributed, each fanout worker takes its own --in-flight',
  );
  assert.equal(
    refusal(() => level('auto', 'threads=4', undefined, true)),
    '--concurrency: --strategy auto (the default) takes one number, not a value per strategy (got `threads=4`)',
  );
  assert.equal(
    refusal(() => level('auto', '2x8', undefined, true)),
    '--concurrency 2x8: under --strategy auto (the default), the advisor picks the tasks in flight per worker itself; give one number, or name --strategy threads or processes',
  );
  assert.equal(
    refusal(() => level('async', '2x8')),
    '--concurrency 2x8: NxK (workers × tasks in flight each) applies to --strategy threads or processes, not async',
  );
  assert.equal(
    refusal(() => level('threads', 'threads=2x8', '4')),
    '--concurrency threads=2x8 gives 8 tasks in flight per worker and --in-flight 4 says otherwise: give one of them',
  );
  assert.equal(
    refusal(() => level('threads', '2xadaptive', '4')),
    '--concurrency 2xadaptive gives adaptive tasks in flight per worker and --in-flight 4 says otherwise: give one of them',
  );
  assert.equal(
    refusal(() => level('threads', 'threads=2,threads=2x16')),
    '--concurrency: threads=2 and threads=2x16 name threads twice; fanout run runs one configuration (compare measures several)',
  );
  assert.equal(
    refusal(() => level('threads', 'async=32')),
    '--concurrency: no value for --strategy threads in `async=32`',
  );
});

test("a bad value is told the forms it may take, adaptive's among them", () => {
  assert.equal(
    refusal(() => parseRunConcurrency('adaptiv')),
    '--concurrency: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got `adaptiv`',
  );
  assert.equal(
    refusal(() => parseRunConcurrency('adaptive:0-5')),
    '--concurrency: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got `adaptive:0-5`',
  );
  assert.equal(
    refusal(() => parseRunConcurrency('0')),
    '--concurrency: expected a whole number of at least 1, got `0`',
  );
  assert.equal(
    refusal(() => parseRunConcurrency('threads=adaptive')),
    "--concurrency: threads' workers are fixed; write threads=Nxadaptive to move the tasks in flight per worker, got `threads=adaptive`",
  );
  assert.equal(
    refusal(() => parseRunConcurrency(',')),
    '--concurrency: expected a number or strategy=number pairs, got `,`',
  );
  assert.equal(
    refusal(() => parseRunInFlight('adaptiv')),
    '--in-flight: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got `adaptiv`',
  );
  assert.equal(
    refusal(() => parseRunInFlight('2x3')),
    '--in-flight: expected a whole number, adaptive or adaptive:MIN-MAX, got `2x3`',
  );
  assert.equal(
    refusal(() => parseRunInFlight('0')),
    '--in-flight: expected a whole number of at least 1, got `0`',
  );
});
