/**
 * The advisor on real task modules of known character. The machine is shared and noisy: these tests
 * assert verdicts and ranges, never speeds. Timing tier: a verdict hangs on the times measured.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advise } from '../../src/advise/advise.js';
import type { Advice } from '../../src/advise/types.js';

const fixture = (name: string): URL => new URL(`../../../test/fixtures/advise/${name}.mjs`, import.meta.url);
const repeat = (value: unknown, count: number): unknown[] => Array.from({ length: count }, () => value);

/** Every advice keeps the promises of its type, whatever the verdict. */
function assertWellFormed(advice: Advice): void {
  const { verdict, probes, projections, measurements } = advice;
  assert.ok(verdict.reasons.length >= 2, 'reasons are given');
  assert.equal(probes[0]!.strategy, 'sequential');
  for (const p of probes) {
    assert.ok(
      p.concurrency >= 1 && p.tasks >= 1 && p.tasksPerSecond > 0,
      `a real probe: ${JSON.stringify(p)}`,
    );
  }
  for (let i = 1; i < projections.length; i++) {
    assert.ok(projections[i - 1]!.wallMs <= projections[i]!.wallMs, 'projections are fastest first');
  }
  assert.ok(measurements.sample.tasks >= 1);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(advice)));
}

test('a busy loop is CPU-bound, and workers are recommended or shown not to pay', async () => {
  const advice = await advise({ task: fixture('busy'), inputs: repeat(8, 80), budgetMs: 4000 });
  assertWellFormed(advice);
  assert.equal(advice.verdict.kind, 'cpu-bound', advice.verdict.reasons.join('\n'));
  assert.notEqual(advice.verdict.strategy, 'async');
  assert.ok(advice.measurements.sample.busyShare >= 0.8);
  assert.ok(
    advice.probes.some((p) => p.strategy === 'threads'),
    'threads were probed',
  );
  assert.ok(advice.measurements.startup.threadsMs !== null);
});

test('a timer wait is I/O-bound, and async is recommended above one in flight', async () => {
  const advice = await advise({ task: fixture('sleep'), inputs: repeat(25, 60), budgetMs: 3000 });
  assertWellFormed(advice);
  assert.equal(advice.verdict.kind, 'io-bound', advice.verdict.reasons.join('\n'));
  assert.equal(advice.verdict.strategy, 'async');
  assert.ok(advice.verdict.concurrency > 1 && advice.verdict.concurrency <= 60);
  assert.ok(advice.measurements.sample.busyShare <= 0.2);
  assert.equal(advice.projections[0]!.strategy, 'async');
});

test('half spin, half wait is mixed, with a parallel recommendation', async () => {
  const advice = await advise({ task: fixture('mixed'), inputs: repeat(6, 80), budgetMs: 4000 });
  assertWellFormed(advice);
  assert.equal(advice.verdict.kind, 'mixed', advice.verdict.reasons.join('\n'));
  assert.ok(advice.probes.some((p) => p.strategy === 'async'));
  assert.ok(advice.probes.some((p) => p.strategy === 'threads'));
});

test('a task that returns at once is too small: sequential, with Knuth', async () => {
  const advice = await advise({ task: fixture('tiny'), inputs: repeat(1, 200), budgetMs: 2000 });
  assertWellFormed(advice);
  assert.equal(advice.verdict.kind, 'too-small', advice.verdict.reasons.join('\n'));
  assert.equal(advice.verdict.strategy, 'sequential');
  assert.equal(advice.verdict.concurrency, 1);
  assert.ok(advice.verdict.reasons.some((r) => /Knuth/.test(r)));
  assert.ok(advice.projections.some((p) => p.basis === 'bound'));
});

test('slow tasks on a short budget: the sample stops early, and an unmeasured choice says so', async () => {
  // 200 ms a task, 600 ms to spend: the sample stops at half the budget; no probe fits in the rest.
  const advice = await advise({ task: fixture('sleep'), inputs: repeat(200, 10), budgetMs: 600 });
  assert.ok(advice.measurements.sample.tasks < 3, `${advice.measurements.sample.tasks} tasks sampled`);
  assert.equal(advice.verdict.kind, 'io-bound');
  assert.equal(advice.verdict.strategy, 'async');
  assert.equal(advice.probes.length, 1);
  assert.ok(advice.verdict.reasons.some((r) => /shortest projection is chosen: async/.test(r)));
  assert.ok(advice.projections.some((p) => p.strategy === 'async' && p.basis === 'bound'));
});
