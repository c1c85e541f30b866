import assert from 'node:assert/strict';
import { test } from 'node:test';
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

test('--concurrency: one number, per strategy, or both', () => {
  assert.deepEqual(parseConcurrency('4'), { async: 4, threads: 4, processes: 4 });
  assert.deepEqual(parseConcurrency('threads=4,async=32'), { threads: 4, async: 32 });
  assert.deepEqual(parseConcurrency('threads=2, 8'), { async: 8, threads: 2, processes: 8 });
  assert.deepEqual(parseConcurrency('sequential=1'), { sequential: 1 });
  assert.throws(() => parseConcurrency('sequential=2'), usage(/sequential always runs one task at a time/));
  assert.throws(() => parseConcurrency('gpu=2'), usage(/unknown strategy `gpu`/));
  assert.throws(() => parseConcurrency('threads=0'), usage(/--concurrency threads: .* got `0`/));
  assert.throws(() => parseConcurrency('1.5'), usage(/got `1\.5`/));
  assert.throws(() => parseConcurrency(''), usage(/expected a number or strategy=number/));
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
