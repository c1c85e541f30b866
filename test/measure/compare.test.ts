import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCAL_STRATEGIES } from '../../src/core/options.js';
import { compareStrategies } from '../../src/measure/compare.js';
import type { Comparison, ProgressEvent, RunMeasurement } from '../../src/measure/types.js';
import { mismatchLines } from '../../src/report/model.js';

/** Worker clocks are epoch-based like ours, but each thread and process reads its own: allow a little skew. */
const CLOCK_SKEW_MS = 20;

const fixture = (name: string): URL => new URL(`../../../test/fixtures/measure/${name}`, import.meta.url);

/** The rules every run obeys, whatever the machine's speed. */
function assertRunInvariants(run: RunMeasurement, inputs: number): void {
  assert.ok(run.wallMs > 0, 'wall time is positive');
  assert.ok(run.startupMs >= 0 && run.startupMs <= run.wallMs, 'start-up lies within the run');
  assert.ok(run.closeMs >= 0);
  assert.ok(run.cpuMs > 0, 'work was done, so CPU time is positive');
  assert.ok(Math.abs(run.cpuMs - (run.cpuUserMs + run.cpuSystemMs)) < 1e-6);
  assert.ok(run.childCpuMs >= 0 && run.childCpuMs <= run.cpuMs);
  assert.ok(run.peakRss > 0);
  assert.ok(Math.abs(run.throughput - (inputs * 1000) / run.wallMs) < 1e-6);
  assert.ok(run.workersStarted >= 1);
  // Every input appears exactly once in the timeline, each entry within the run, start ≤ end.
  const indices = run.timeline.map((entry) => entry.index).sort((a, b) => a - b);
  assert.deepEqual(
    indices,
    Array.from({ length: inputs }, (_, i) => i),
  );
  for (const entry of run.timeline) {
    assert.ok(entry.start <= entry.end);
    assert.ok(entry.start >= run.startedAt - CLOCK_SKEW_MS);
    assert.ok(entry.end <= run.startedAt + run.wallMs + CLOCK_SKEW_MS);
  }
}

function assertComparisonInvariants(c: Comparison, inputs: number, runs: number, warmup: number): void {
  assert.equal(c.inputs, inputs);
  for (const s of c.strategies) {
    assert.equal(s.runs.length, runs);
    assert.equal(s.warmups.length, warmup);
    assert.deepEqual(
      s.runs.map((r) => r.run),
      Array.from({ length: runs }, (_, i) => i + 1),
    );
    for (const r of [...s.warmups, ...s.runs]) assertRunInvariants(r, inputs);
    assert.ok(s.wallMs.min <= s.wallMs.median && s.wallMs.median <= s.wallMs.max);
  }
  const sequential = c.strategies.find((s) => s.strategy === 'sequential');
  for (const s of c.strategies) {
    if (!sequential) continue;
    assert.equal(s.speedup, sequential.wallMs.median / s.wallMs.median);
    assert.equal(s.efficiency, s.speedup! / Math.min(s.concurrency * s.inFlight, inputs));
  }
  const medians = c.strategies.map((s) => s.wallMs.median);
  assert.equal(c.strategies.find((s) => s.name === c.fastest)!.wallMs.median, Math.min(...medians));
}

test('a CPU task under all four strategies, one run each', async () => {
  const inputs = Array.from({ length: 6 }, (_, i) => 200_000 + i);
  const c = await compareStrategies({ task: fixture('busy.mjs'), inputs, runs: 1, warmup: 0 });
  assert.deepEqual(
    c.strategies.map((s) => s.strategy),
    [...LOCAL_STRATEGIES],
  );
  assertComparisonInvariants(c, inputs.length, 1, 0);
  assert.equal(c.failed, 0);
  assert.equal(c.mismatchCount, 0);
  assert.equal(c.reference, 'sequential');
  const byName = Object.fromEntries(c.strategies.map((s) => [s.strategy, s]));
  assert.equal(byName.sequential!.concurrency, 1);
  assert.equal(byName.sequential!.speedup, 1);
  // Only child processes have CPU time of their own.
  assert.equal(byName.threads!.runs[0]!.childCpuMs, 0);
  assert.ok(byName.processes!.runs[0]!.childCpuMs > 0);
  // Threads and processes run on workers 1…; sequential and async on the calling process (0).
  assert.ok(byName.threads!.runs[0]!.timeline.every((e) => e.workerId >= 1));
  assert.ok(byName.async!.runs[0]!.timeline.every((e) => e.workerId === 0));
});

test('an I/O-like task: warm-up and repeated runs, concurrency per strategy, progress events', async () => {
  const inputs = Array.from({ length: 8 }, () => 5);
  const events: ProgressEvent[] = [];
  const c = await compareStrategies({
    task: fixture('sleep.mjs'),
    label: 'eight short sleeps',
    inputs,
    strategies: ['sequential', 'async', 'threads'],
    concurrency: { async: 4, threads: 2 },
    runs: 2,
    warmup: 1,
    onProgress: (event) => events.push(event),
  });
  assertComparisonInvariants(c, inputs.length, 2, 1);
  assert.equal(c.label, 'eight short sleeps');
  assert.deepEqual(
    c.strategies.map((s) => [s.strategy, s.concurrency]),
    [
      ['sequential', 1],
      ['async', 4],
      ['threads', 2],
    ],
  );
  const starts = events.filter((e) => e.type === 'start');
  const ends = events.filter((e) => e.type === 'end');
  assert.equal(starts.length, 9);
  assert.equal(ends.length, 9);
  // Rounds: the warm-up of each strategy first, then run 1 of each, then run 2 of each.
  assert.deepEqual(
    starts.map((e) => `${e.strategy}:${e.warmup ? 'w' : 'r'}${e.run}`),
    [
      'sequential:w1',
      'async:w1',
      'threads:w1',
      'sequential:r1',
      'async:r1',
      'threads:r1',
      'sequential:r2',
      'async:r2',
      'threads:r2',
    ],
  );
  assert.deepEqual(
    ends.map((e) => e.step),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  for (const e of events) {
    assert.equal(e.steps, 9);
    assert.ok(e.done >= 0 && e.done <= e.total);
  }
  for (const e of ends) assert.equal(e.done, inputs.length);
});

test('failed inputs are counted per strategy, with samples of the errors', async () => {
  const c = await compareStrategies({
    task: fixture('flaky.mjs'),
    inputs: [0, 1, 2, 3, 4],
    strategies: ['sequential', 'threads'],
    runs: 1,
    warmup: 0,
  });
  for (const s of c.strategies) {
    assert.equal(s.failed, 2);
    assert.equal(s.failures.length, 2);
    assert.match(s.failures[0]!.message, /odd input 1/);
    assert.equal(s.runs[0]!.timeline.length, 5);
  }
  assert.equal(c.failed, 4);
  assert.equal(c.mismatchCount, 0, 'the same inputs fail under both: no mismatch');
});

test('results that differ between strategies are reported; BigInts compare as values', async () => {
  const differing = await compareStrategies({
    task: fixture('where.mjs'),
    inputs: [1, 2, 3],
    strategies: ['sequential', 'async', 'processes'],
    runs: 1,
    warmup: 0,
  });
  assert.equal(differing.mismatchCount, 3);
  assert.equal(differing.mismatchedInputs, 3);
  assert.deepEqual(
    differing.strategies.map((s) => s.mismatched),
    [0, 0, 3],
  );
  assert.deepEqual(differing.mismatches[0], {
    index: 0,
    strategy: 'processes',
    name: 'processes',
    run: 1,
    expected: '0',
    actual: differing.mismatches[0]!.actual,
  });
  assert.match(differing.mismatches[0]!.actual, /^[1-9]\d*$/);

  const big = await compareStrategies({
    task: fixture('bigint.mjs'),
    inputs: [2 ** 30, 2 ** 31],
    strategies: ['sequential', 'threads'],
    runs: 1,
    warmup: 0,
  });
  assert.equal(big.mismatchCount, 0);
});

test('a named export, and a task that cannot run, which stops the comparison', async () => {
  const named = await compareStrategies({
    task: fixture('named.mjs'),
    export: 'triple',
    inputs: [1, 2],
    strategies: ['sequential', 'threads'],
    runs: 1,
    warmup: 0,
  });
  assert.equal(named.failed, 0);
  assert.equal(named.export, 'triple');
  assert.equal(named.label, named.task, 'without a label, the reports name the module');
  assert.match(named.task, /named\.mjs$/);
  for (const strategies of [['sequential'], ['threads'], ['processes']] as const) {
    await assert.rejects(
      compareStrategies({ task: fixture('throws-on-load.mjs'), inputs: [1], strategies, runs: 1, warmup: 0 }),
      (error: Error & { code?: string }) =>
        error.code === 'ERR_FANOUT_TASK_LOAD' && /refuses to load/.test(error.message),
    );
  }
  await assert.rejects(
    compareStrategies({ task: fixture('bad-setup.mjs'), inputs: [1], strategies: ['async'], runs: 1 }),
    { code: 'ERR_FANOUT_SETUP' },
  );
  await assert.rejects(
    compareStrategies({ task: fixture('missing.mjs'), inputs: [1], runs: 1 }),
    /task module not found/,
  );
});

test('bad options are refused before anything runs', async () => {
  const task = fixture('busy.mjs');
  await assert.rejects(compareStrategies({ task, inputs: [] }), /at least one input/);
  await assert.rejects(compareStrategies({ task, inputs: [1], runs: 0 }), /`runs`/);
  await assert.rejects(compareStrategies({ task, inputs: [1], warmup: -1 }), /`warmup`/);
  await assert.rejects(
    compareStrategies({ task, inputs: [1], strategies: ['fibers' as 'async'] }),
    /`fibers`/,
  );
});

test('configurations: one strategy at several levels, the hybrid included, each named apart', async () => {
  const events: ProgressEvent[] = [];
  const inputs = [5, 5, 5, 5, 5, 5];
  const c = await compareStrategies({
    task: fixture('sleep.mjs'),
    inputs,
    configurations: [
      { strategy: 'sequential' },
      { strategy: 'threads', concurrency: 1 },
      { strategy: 'threads', concurrency: 1, inFlight: 3 },
      { strategy: 'processes', concurrency: 1, inFlight: 2 },
    ],
    runs: 1,
    warmup: 0,
    onProgress: (event) => events.push(event),
  });
  assertComparisonInvariants(c, inputs.length, 1, 0);
  assert.deepEqual(
    c.strategies.map((s) => [s.name, s.strategy, s.concurrency, s.inFlight]),
    [
      ['sequential', 'sequential', 1, 1],
      ['threads 1', 'threads', 1, 1],
      ['threads 1×3', 'threads', 1, 3],
      ['processes 1×2', 'processes', 1, 2],
    ],
  );
  assert.ok(c.strategies.some((s) => s.name === c.fastest));
  assert.equal(c.reference, 'sequential');
  assert.equal(c.mismatchCount, 0);
  assert.deepEqual(
    events.filter((e) => e.type === 'end').map((e) => e.name),
    ['sequential', 'threads 1', 'threads 1×3', 'processes 1×2'],
  );
});

test('a sweep measures one strategy at each level and records what varied', async () => {
  const c = await compareStrategies({
    task: fixture('sleep.mjs'),
    inputs: [2, 2, 2, 2],
    sweep: { strategy: 'threads', varies: 'inFlight', concurrency: 1, levels: [1, 2, 4] },
    runs: 1,
    warmup: 0,
  });
  assert.deepEqual(
    c.strategies.map((s) => s.name),
    ['threads 1', 'threads 1×2', 'threads 1×4'],
  );
  assert.deepEqual(c.sweep, { strategy: 'threads', varies: 'inFlight', concurrency: 1, levels: [1, 2, 4] });
});

test('bad configurations are refused before anything runs', async () => {
  const base = { task: fixture('sleep.mjs'), inputs: [1], runs: 1, warmup: 0 };
  await assert.rejects(
    compareStrategies({ ...base, configurations: [{ strategy: 'async', inFlight: 2 }] }),
    /Expected `inFlight` to be 1 under async, got `2`/,
  );
  await assert.rejects(
    compareStrategies({ ...base, configurations: [{ strategy: 'threads' }], strategies: ['threads'] }),
    /Expected one of `sweep`, `configurations`, or `strategies` with `concurrency`, not several/,
  );
  await assert.rejects(compareStrategies({ ...base, configurations: [] }), /at least one configuration/);
});

test('mismatches are counted as outcomes (input × run) and as distinct inputs', async () => {
  const c = await compareStrategies({
    task: fixture('where.mjs'),
    inputs: [1, 2, 3],
    strategies: ['sequential', 'processes'],
    runs: 2,
    warmup: 0,
  });
  assert.equal(c.mismatchCount, 6, 'three inputs differ in each of two runs');
  assert.equal(c.mismatchedInputs, 3);
  assert.match(
    mismatchLines(c)[0]!,
    /^results differ from sequential's in 6 outcomes across 2 runs, on 3 of 3 inputs /,
  );
});
