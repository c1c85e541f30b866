// What an adaptive limit did, in figures: the pure parts behind compare's adaptive rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../../src/core/errors.js';
import {
  adaptiveSetting,
  configurationName,
  executorLevel,
  formatLevel,
  resolveConfigurations,
  sweepConfigurations,
} from '../../src/measure/configuration.js';
import { limitFigures } from '../../src/measure/limit.js';
import { tallyNames } from '../../src/measure/summary.js';

test('limitFigures: each value counts for as long as it held, up to the end', () => {
  const history = [
    { time: 1000, limit: 4 },
    { time: 1100, limit: 8 },
    { time: 1300, limit: 2 },
  ];
  // 4 × 100 + 8 × 200 + 2 × 100, over 400 ms.
  assert.deepEqual(limitFigures(history, 1400), { start: 4, min: 2, max: 8, mean: 5.5 });
  // A change after the end does not count towards the mean, but was seen.
  assert.deepEqual(limitFigures(history, 1200), { start: 4, min: 2, max: 8, mean: 6 });
  assert.deepEqual(limitFigures([{ time: 5, limit: 7 }], 5), { start: 7, min: 7, max: 7, mean: 7 });
  assert.equal(limitFigures([], 10), undefined);
});

test('adaptive configurations: the number that moves, its bounds, and the level it starts from', () => {
  const [async, bounded, hybrid, fixed] = resolveConfigurations([
    { strategy: 'async', concurrency: 'adaptive' },
    { strategy: 'async', concurrency: 'adaptive:4-16' },
    { strategy: 'threads', concurrency: 2, inFlight: 'adaptive:1-8' },
    { strategy: 'threads', concurrency: 2, inFlight: 8 },
  ]);
  assert.deepEqual(async, {
    strategy: 'async',
    concurrency: 64,
    inFlight: 1,
    adaptive: { moves: 'concurrency', bounds: { min: 1, max: 1000 } },
  });
  assert.equal(bounded!.concurrency, 16);
  assert.deepEqual(hybrid, {
    strategy: 'threads',
    concurrency: 2,
    inFlight: 8,
    adaptive: { moves: 'inFlight', bounds: { min: 1, max: 8 } },
  });
  // Back to the executor in the notation it takes; a fixed one as before.
  assert.deepEqual(executorLevel(async!), { concurrency: 'adaptive' });
  assert.deepEqual(executorLevel(bounded!), { concurrency: 'adaptive:4-16' });
  assert.deepEqual(executorLevel(hybrid!), { concurrency: 2, inFlight: 'adaptive:1-8' });
  assert.deepEqual(executorLevel(fixed!), { concurrency: 2, inFlight: 8 });
  assert.equal(formatLevel(64, 1, async!.adaptive), 'adaptive');
  assert.equal(formatLevel(2, 8, hybrid!.adaptive), '2×adaptive:1-8');
  assert.equal(adaptiveSetting({ min: 1, max: 1000 }), 'adaptive');
  // An adaptive row is always named with its level, even alone of its strategy.
  assert.equal(configurationName('async', 64, 1, true, async!.adaptive), 'async adaptive');
  assert.deepEqual(tallyNames([async!, hybrid!]), ['async adaptive', 'threads 2×adaptive:1-8']);
});

test('adaptive configurations refused where the executor would refuse them, at the door', () => {
  const refused = (configuration: object, pattern: RegExp) =>
    assert.throws(
      () => resolveConfigurations([configuration as never]),
      (error: unknown) => error instanceof OptionError && pattern.test(error.message),
    );
  refused({ strategy: 'threads', concurrency: 'adaptive' }, /use `inFlight: 'adaptive'`/);
  refused({ strategy: 'sequential', concurrency: 'adaptive' }, /sequential runs one at a time/);
  refused({ strategy: 'async', inFlight: 'adaptive' }, /not async: use `concurrency: 'adaptive'`/);
  refused({ strategy: 'async', concurrency: 'adaptive:9-2' }, /1 ≤ MIN ≤ MAX/);
  refused(
    { strategy: 'async', concurrency: 'adaptiv' },
    /positive integer, 'adaptive' or 'adaptive:MIN-MAX', got `"adaptiv" \(string\)`/,
  );
});

test('a sweep with an adaptive row measures it after the levels', () => {
  const configurations = sweepConfigurations({
    strategy: 'threads',
    varies: 'inFlight',
    concurrency: 2,
    levels: [1, 4],
    adaptive: 'adaptive',
  });
  assert.deepEqual(
    configurations.map((c) => formatLevel(c.concurrency, c.inFlight, c.adaptive)),
    ['2', '2×4', '2×adaptive'],
  );
});
