import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BoundsInput, characterize, hybridInFlight, tooSmall } from '../../src/advise/classify.js';
import type { SampleFigures } from '../../src/advise/types.js';
import { message, sampleOf, startup } from './figures.js';

function boundsInput(sample: SampleFigures, total: number, kind = characterize(sample).kind): BoundsInput {
  return { kind, sample, message, startup, total, cores: 4, asyncCap: 256, workerCap: 16 };
}

describe('characterize', () => {
  test('a task that mostly waits is I/O-bound, and the reason quotes the figures', () => {
    const { kind, reasons } = characterize(sampleOf(51, 0.008));
    assert.equal(kind, 'io-bound');
    assert.match(reasons[0]!, /busy 0\.8 % of each task's time \(408 µs of a mean 51\.0 ms per task/);
    assert.match(reasons[0]!, /mostly waits/);
    assert.match(reasons[0]!, /is always busy \(the probes measure how many it keeps up with\)\.$/);
    assert.match(
      characterize(sampleOf(51, 0.008), 'adaptive').reasons[0]!,
      /is always busy \(the adaptive limit finds, while the job runs, how many it keeps up with\)\.$/,
    );
    // Under `auto`, a rest too short to measure it on: nothing is said to measure it.
    assert.match(
      characterize(sampleOf(51, 0.008), 'none').reasons[0]!,
      /of them before its loop is always busy\.$/,
    );
    assert.match(reasons[1]!, /CPU time was 0\.8 % of wall time/);
  });

  test('a task that holds the loop is CPU-bound', () => {
    const { kind, reasons } = characterize(sampleOf(10, 0.99));
    assert.equal(kind, 'cpu-bound');
    assert.match(reasons[0]!, /99 %/);
    assert.match(reasons[0]!, /only worker threads or processes/);
  });

  test('in between is mixed, with how far async can overlap it', () => {
    const { kind, reasons } = characterize(sampleOf(20, 0.5));
    assert.equal(kind, 'mixed');
    assert.match(reasons[0]!, /by this sample async could overlap about 2\.0 of them/);
  });

  test('the thresholds are inclusive at both ends', () => {
    assert.equal(characterize(sampleOf(10, 0.2)).kind, 'io-bound');
    assert.equal(characterize(sampleOf(10, 0.8)).kind, 'cpu-bound');
  });

  test('CPU far above the loop time is remarked on: work off the loop', () => {
    const { kind, reasons } = characterize(sampleOf(10, 0.05, 0.9));
    assert.equal(kind, 'io-bound');
    assert.ok(reasons.some((r) => /other threads/.test(r)));
  });

  test('a loop held far longer than the CPU was had is remarked on: a busy machine', () => {
    const { kind, reasons } = characterize(sampleOf(10, 1, 0.3));
    assert.equal(kind, 'cpu-bound');
    assert.ok(reasons.some((r) => /competing for the cores/.test(r)));
  });
});

describe('tooSmall', () => {
  test('a job shorter than a worker thread takes to start is too small, whatever its kind', () => {
    for (const busy of [1, 0.5, 0.05]) {
      const result = tooSmall(boundsInput(sampleOf(0.005, busy), 200));
      assert.ok(result, `busy share ${busy}`);
      assert.match(result.reasons[0]!, /about 1\.00 ms sequentially \(200 inputs × 5\.00 µs\)/);
      assert.match(
        result.reasons[0]!,
        /less than starting a single worker thread takes \(40\.0 ms, measured\)/,
      );
      assert.match(result.reasons[2]!, /Knuth/);
      assert.ok(result.projections.some((p) => p.strategy === 'sequential' && p.basis === 'probe'));
      assert.ok(result.projections.some((p) => p.basis === 'bound'));
    }
  });

  test('a job that runs long enough to repay the start-up is not', () => {
    assert.equal(tooSmall(boundsInput(sampleOf(10, 1), 200)), null);
  });

  test('the cost of messages counts against the workers', () => {
    // 100 inputs of 1 ms: 100 ms sequential, at best 25 ms on 4 threads; 40 ms start-up leaves a gain…
    assert.equal(tooSmall(boundsInput(sampleOf(1, 1), 100)), null);
    // …unless every input costs 1 ms to pass.
    const heavy = { ...boundsInput(sampleOf(1, 1), 100), message: { ...message, cloneMs: 1 } };
    const result = tooSmall(heavy);
    assert.ok(result);
    assert.match(
      result.reasons[1]!,
      /save at most 75\.0 ms, but starting a worker thread took 40\.0 ms and passing every input and output would cost about 100 ms more/,
    );
  });

  test('waiting work costs nothing to overlap: not too small unless there is nothing to overlap', () => {
    assert.equal(tooSmall(boundsInput(sampleOf(1, 0.1), 100)), null);
    const one = tooSmall(boundsInput(sampleOf(100, 0.01), 1));
    assert.ok(one);
    assert.match(one.reasons[1]!, /with 1 in flight, it could save at most 0 ms/);
  });

  test('without a measured start-up there is nothing to weigh a computing job against', () => {
    const input = { ...boundsInput(sampleOf(0.005, 1), 200), startup: { ...startup, threadsMs: null } };
    assert.equal(tooSmall(input), null);
  });
});

test("the hybrid's tasks in flight per worker at its bound: what fills each loop, within async's cap spread over the workers", () => {
  // 1/6 busy: a loop fills at 6; HYBRID_FILL × 6 = 24 → 32.
  assert.equal(hybridInFlight(1 / 6, 256, 2), 32);
  assert.equal(hybridInFlight(0.5, 256, 2), 8);
  // Async's cap of 20 over 2 workers: 10 each.
  assert.equal(hybridInFlight(1 / 6, 20, 2), 10);
  // Never below 2: one in flight is no hybrid.
  assert.equal(hybridInFlight(1 / 6, 2, 2), 2);
});
