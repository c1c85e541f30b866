/** Under `auto`, a rest too short for more advice to pay, decided before any worker starts (exact figures). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overBeforeAdvice, type ShortJobInput, workersCannotPay } from '../../src/advise/short-job.js';
import { WORKER_START_FLOOR_MS } from '../../src/advise/thresholds.js';
import { sampleOf } from './figures.js';

const job = (over: Partial<ShortJobInput>): ShortJobInput => ({
  kind: 'cpu-bound',
  sample: { ...sampleOf(25, 1), tried: 2 },
  total: 5,
  kept: 2,
  sampledMs: 50,
  cores: 2,
  asyncCap: 5,
  workerCap: 5,
  ...over,
});

test('the trial tiny CPU job (5 inputs of about 25 ms, 2 kept): no worker is started', () => {
  assert.equal(overBeforeAdvice(job({})), null, '75 ms left, more than the 50 ms advising took');
  const short = workersCannotPay(job({}));
  assert.deepEqual(
    { strategy: short?.strategy, concurrency: short?.concurrency },
    { strategy: 'sequential', concurrency: 1 },
  );
  const reason = short!.reasons[0]!;
  assert.match(
    reason,
    /The rest of the job, 3 inputs, would take about 75(\.0)? ms sequentially \(3 inputs × 25(\.0)? ms, the sample's mean\)/,
  );
  assert.match(
    reason,
    /On 2 worker threads at a perfect speed-up it would save at most 37\.5 ms \(75(\.0)? ms × \(1 − 1\/2\)\)/,
  );
  assert.match(
    reason,
    new RegExp(`starting a single worker thread takes at the least \\(${WORKER_START_FLOOR_MS}(\\.0)? ms`),
  );
});

test('workers are timed where the rest could save more than a worker costs to start at the least', () => {
  // (left × 25) × 1/2 > floor from left = 2 × floor / 25 + 1 on.
  const left = Math.floor((2 * WORKER_START_FLOOR_MS) / 25) + 1;
  assert.equal(workersCannotPay(job({ total: 2 + left })), null);
  assert.notEqual(workersCannotPay(job({ total: 2 + left - 1 })), null);
  // Not for a task that waits at all: async starts at no cost and may save.
  assert.equal(workersCannotPay(job({ kind: 'mixed' })), null);
  assert.equal(workersCannotPay(job({ kind: 'io-bound' })), null);
  // One worker at most (one core, or the user's limit): no speed-up, so sequential whatever the size.
  assert.equal(workersCannotPay(job({ total: 10_000, workerCap: 1 }))?.strategy, 'sequential');
});

test('a waiting task whose rest is over before more advice runs the rest under async, every input in flight', () => {
  // The trial: 5 inputs awaiting 20 ms, 2 kept; 3 × 20.4 = 61.2 ms against 61.5 ms of advice.
  const wait = job({ kind: 'io-bound', sample: { ...sampleOf(20.4, 0.03), tried: 2 }, sampledMs: 61.5 });
  const short = overBeforeAdvice(wait);
  assert.deepEqual(
    { strategy: short?.strategy, concurrency: short?.concurrency },
    { strategy: 'async', concurrency: 3 },
  );
  assert.match(
    short!.reasons[0]!,
    /The rest of the job, 3 inputs, would take about 61\.2 ms sequentially \(3 inputs × 20\.4 ms, the sample's mean\), no longer than advising has taken so far \(61\.5 ms\)/,
  );
  assert.match(
    short!.reasons[0]!,
    /busy 3 % of each task\), and async starts at no cost: the rest runs with all 3 in flight at once\./,
  );
  assert.doesNotMatch(short!.reasons[0]!, /sequentially:|Knuth/);
  // 0.2 ms less advice: not over, and the adaptive start (async too) takes it.
  assert.equal(overBeforeAdvice({ ...wait, sampledMs: 61.1 }), null);
  // The user's limit caps the in-flight count; at one, sequential.
  assert.equal(overBeforeAdvice({ ...wait, asyncCap: 2 })?.concurrency, 2);
  assert.equal(overBeforeAdvice({ ...wait, asyncCap: 1 })?.strategy, 'sequential');
});

test('a CPU-bound rest over before more advice, and a sample that ran every input, are run sequentially', () => {
  const cpu = overBeforeAdvice(job({ total: 3, sampledMs: 30 }));
  assert.equal(cpu?.strategy, 'sequential');
  assert.match(
    cpu!.reasons[0]!,
    /The rest of the job, 1 input, would take about 25(\.0)? ms sequentially \(1 input × 25(\.0)? ms/,
  );
  assert.match(cpu!.reasons[0]!, /Knuth/);
  const all = overBeforeAdvice(job({ total: 2, sample: { ...sampleOf(25, 1), tried: 2 } }));
  assert.equal(all?.strategy, 'sequential');
  assert.match(all!.reasons[0]!, /The sample ran all 2 inputs of the job, one at a time, in 50(\.0)? ms/);
  // Every input tried but one failed: the failure is left to run, one input (singular).
  const failed = overBeforeAdvice(
    job({ total: 2, kept: 1, sample: { ...sampleOf(0.027, 1), tried: 2 }, sampledMs: 3 }),
  );
  assert.match(failed!.reasons[0]!, /\(1 input × 27(\.0)? µs/);
});
