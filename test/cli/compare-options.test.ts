import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  configurationsFor,
  MAX_SWEEP_LEVELS,
  parseConcurrencyItems,
  parseSweep,
} from '../../src/cli/configurations.js';
import { CliError } from '../../src/cli/errors.js';
import {
  parseConcurrency,
  parseCount,
  parseMilliseconds,
  parseStrategies,
} from '../../src/cli/strategy-options.js';

const usage = (pattern: RegExp) => (error: unknown) =>
  error instanceof CliError && error.exitCode === 2 && pattern.test(error.message);

test('--strategies: a list in the order given, without repeats', () => {
  assert.deepEqual(parseStrategies('threads, sequential,threads'), ['threads', 'sequential']);
  assert.throws(() => parseStrategies('threads,fibers'), usage(/unknown strategy `fibers`/));
  assert.throws(() => parseStrategies(' , '), usage(/comma-separated list/));
});

test("run's --concurrency: one number, per strategy, or both", () => {
  assert.deepEqual(parseConcurrency('4'), { async: 4, threads: 4, processes: 4 });
  assert.deepEqual(parseConcurrency('threads=4,async=32'), { threads: 4, async: 32 });
  assert.deepEqual(parseConcurrency('threads=2, 8'), { async: 8, threads: 2, processes: 8 });
  assert.throws(() => parseConcurrency('sequential=2'), usage(/sequential always runs one task at a time/));
});

test("compare's --concurrency: one number, per strategy, or both", () => {
  assert.deepEqual(parseConcurrencyItems('4'), [{ concurrency: 4 }]);
  assert.deepEqual(parseConcurrencyItems('threads=4,async=32'), [
    { strategy: 'threads', concurrency: 4 },
    { strategy: 'async', concurrency: 32 },
  ]);
  assert.deepEqual(parseConcurrencyItems('sequential=1'), [{ strategy: 'sequential', concurrency: 1 }]);
  assert.throws(
    () => parseConcurrencyItems('sequential=2'),
    usage(/sequential always runs one task at a time/),
  );
  assert.throws(() => parseConcurrencyItems('gpu=2'), usage(/unknown strategy `gpu`/));
  assert.throws(() => parseConcurrencyItems('threads=0'), usage(/--concurrency threads: .* got `0`/));
  assert.throws(() => parseConcurrencyItems('1.5'), usage(/got `1\.5`/));
  assert.throws(() => parseConcurrencyItems(''), usage(/expected a number or strategy=number/));
});

test('--concurrency: NxK is N workers with K tasks in flight each, for threads and processes only', () => {
  assert.deepEqual(parseConcurrencyItems('threads=2x32, processes=2×8'), [
    { strategy: 'threads', concurrency: 2, inFlight: 32 },
    { strategy: 'processes', concurrency: 2, inFlight: 8 },
  ]);
  assert.throws(
    () => parseConcurrencyItems('async=2x32'),
    usage(/applies to threads and processes, not async/),
  );
  assert.throws(() => parseConcurrencyItems('2x32'), usage(/NxK needs a strategy.*threads=2x32/));
  assert.throws(() => parseConcurrencyItems('threads=2x0'), usage(/in flight per worker.*got `0`/));
  assert.throws(() => parseConcurrencyItems('threads=2x3x4'), usage(/expected N or NxK/));
});

test('--concurrency: adaptive in place of the number that moves, async or the hybrid K', () => {
  assert.deepEqual(
    parseConcurrencyItems(
      'async=adaptive, async=adaptive:4-256, threads=2xadaptive, processes=2×adaptive:1-64',
    ),
    [
      { strategy: 'async', concurrency: 'adaptive' },
      { strategy: 'async', concurrency: 'adaptive:4-256' },
      { strategy: 'threads', concurrency: 2, inFlight: 'adaptive' },
      { strategy: 'processes', concurrency: 2, inFlight: 'adaptive:1-64' },
    ],
  );
  assert.deepEqual(parseConcurrencyItems('distributed=adaptive:2-32'), [
    { strategy: 'distributed', concurrency: 'adaptive:2-32' },
  ]);
  assert.throws(() => parseConcurrencyItems('adaptive'), usage(/adaptive needs a strategy \(async=adaptive/));
  assert.throws(
    () => parseConcurrencyItems('threads=adaptive'),
    usage(/threads' workers are fixed; write threads=Nxadaptive/),
  );
  assert.throws(
    () => parseConcurrencyItems('sequential=adaptive'),
    usage(/sequential always runs one task at a time/),
  );
  assert.throws(() => parseConcurrencyItems('async=2xadaptive'), usage(/not async/));
  assert.throws(
    () => parseConcurrencyItems('threads=adaptivex4'),
    usage(/the workers of NxK are fixed; write Nxadaptive/),
  );
  assert.throws(
    () => parseConcurrencyItems('async=adaptive:9-3'),
    usage(
      /--concurrency async: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got `adaptive:9-3`/,
    ),
  );
  assert.throws(
    () => parseConcurrencyItems('threads=2xadaptive:0-4'),
    usage(/in flight per worker\): expected adaptive or adaptive:MIN-MAX.*got `adaptive:0-4`/),
  );
  assert.throws(() => parseConcurrencyItems('async=adaptiv'), usage(/expected adaptive or adaptive:MIN-MAX/));
  assert.deepEqual(
    configurationsFor(['async', 'threads'], parseConcurrencyItems('async=adaptive,threads=2xadaptive')),
    [
      { strategy: 'async', concurrency: 'adaptive' },
      { strategy: 'threads', concurrency: 2, inFlight: 'adaptive' },
    ],
  );
});

test('configurations: in the order of --strategies, a strategy named twice measured twice', () => {
  const items = parseConcurrencyItems('8,threads=2,threads=2x16,async=64');
  assert.deepEqual(configurationsFor(['sequential', 'async', 'threads', 'processes'], items), [
    { strategy: 'sequential' },
    { strategy: 'async', concurrency: 64 },
    { strategy: 'threads', concurrency: 2 },
    { strategy: 'threads', concurrency: 2, inFlight: 16 },
    { strategy: 'processes', concurrency: 8 },
  ]);
  assert.deepEqual(configurationsFor(['threads']), [{ strategy: 'threads' }]);
});

test('configurations: a level for a strategy not measured is refused, naming it, not dropped', () => {
  assert.throws(
    () => configurationsFor(['threads'], parseConcurrencyItems('async=adaptive')),
    usage(
      /^--concurrency: `async=adaptive` is for async, which --strategies does not measure \(threads\): add async to --strategies, or leave it out$/,
    ),
  );
  assert.throws(
    () => configurationsFor(['async'], parseConcurrencyItems('async=4,threads=2x16')),
    usage(/`threads=2x16` is for threads, which --strategies does not measure \(async\)/),
  );
});

test('--sweep: a range doubles and ends at its top, +S steps, NxA..B sweeps tasks in flight', () => {
  assert.deepEqual(parseSweep('threads=1..8'), {
    strategy: 'threads',
    varies: 'concurrency',
    levels: [1, 2, 4, 8],
  });
  assert.deepEqual(parseSweep('async=3..20').levels, [3, 6, 12, 20]);
  assert.deepEqual(parseSweep('processes=1..4+1').levels, [1, 2, 3, 4]);
  assert.deepEqual(parseSweep('threads=2x1..64'), {
    strategy: 'threads',
    varies: 'inFlight',
    concurrency: 2,
    levels: [1, 2, 4, 8, 16, 32, 64],
  });
  assert.deepEqual(parseSweep('async=1..256,adaptive:1-256'), {
    strategy: 'async',
    varies: 'concurrency',
    levels: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    adaptive: 'adaptive:1-256',
  });
  assert.equal(parseSweep('threads=2x1..64, adaptive').adaptive, 'adaptive');
  // The error quotes what was typed, not a spelling the user never wrote.
  assert.throws(
    () => parseSweep('threads=1..8,adaptive'),
    usage(/threads' workers are fixed; write threads=Nxadaptive .*, got `threads=1\.\.8,adaptive`$/),
  );
  assert.throws(() => parseSweep('async=1..8,fast'), usage(/each optionally followed by ,adaptive/));
  assert.throws(
    () => parseSweep('async=1..8,adaptive,adaptive'),
    usage(/each optionally followed by ,adaptive/),
  );
  assert.throws(() => parseSweep('async=1..8,adaptive:5-1'), usage(/1 ≤ MIN ≤ MAX/));
  assert.throws(() => parseSweep('threads=8..1'), usage(/expected the range to rise/));
  assert.throws(() => parseSweep('sequential=1..2'), usage(/sequential has one level only/));
  assert.throws(() => parseSweep('async=2x1..8'), usage(/applies to threads and processes, not async/));
  assert.throws(() => parseSweep('threads=1-8'), usage(/--sweep: expected strategy=A\.\.B/));
  assert.throws(() => parseSweep('gpu=1..8'), usage(/unknown strategy `gpu`/));
  assert.throws(() => parseSweep('threads=1..100+1'), usage(new RegExp(`at most ${MAX_SWEEP_LEVELS}`)));
});

test('counts and milliseconds', () => {
  assert.equal(parseCount('--runs', '3', 1), 3);
  assert.equal(parseCount('--warmup', '0', 0), 0);
  assert.throws(() => parseCount('--runs', '0', 1), usage(/--runs: expected a whole number of at least 1/));
  assert.throws(
    () => parseCount('--warmup', '-1', 0),
    usage(/--warmup: expected a whole number \(0 or more\)/),
  );
  assert.throws(() => parseCount('--runs', '2e3', 1), usage(/got `2e3`/));
  assert.equal(parseMilliseconds('--timeout', '250.5'), 250.5);
  assert.throws(() => parseMilliseconds('--timeout', '0'), usage(/positive number of ms/));
  assert.throws(() => parseMilliseconds('--timeout', 'soon'), usage(/got `soon`/));
});
