import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  COLD_START_MAX_FLOORS,
  COLD_START_ROUNDS,
  GradientLimiter,
  type LimitOutcome,
  MIN_GRADIENT,
  windowSize,
} from '../../src/strategies/limiter.js';
import { runModel } from './queue-model.js';

/**
 * Feeds one window of samples that all started at `start`, each `latency` long, with the limit in
 * flight: a whole window, or fewer if the limit moves before (a queue cuts it after MIN_WINDOW_SAMPLES).
 */
function feedWindow(
  limiter: GradientLimiter,
  start: number,
  latency: number,
  outcomes: (i: number) => LimitOutcome = () => 'ok',
  inFlight = limiter.limit,
): number {
  const before = limiter.limit;
  const size = windowSize(before);
  for (let i = 0; i < size && limiter.limit === before; i++)
    limiter.sample({ start, end: start + latency, inFlight, outcome: outcomes(i) });
  return limiter.limit;
}

/** A limiter past its slow start: at `initial`, with a floor of 20 ms measured. */
function warmed(options: { initial: number; min: number; max: number }): GradientLimiter {
  const limiter = new GradientLimiter(options);
  for (let w = 0; limiter.limit < Math.min(options.initial, options.max); w++)
    feedWindow(limiter, w - 100, 20);
  assert.equal(limiter.limit, Math.max(options.min, Math.min(options.initial, options.max)));
  return limiter;
}

test('the limit starts low and doubles per window up to the initial one, within the bounds', () => {
  const limiter = new GradientLimiter({ initial: 20, min: 2, max: 50 });
  const seen = [limiter.limit];
  for (let w = 0; w < 4; w++) seen.push(feedWindow(limiter, w * 100, 20));
  assert.deepEqual(seen, [4, 8, 16, 20, 25]);
  assert.equal(new GradientLimiter({ initial: 100, min: 8, max: 50 }).limit, 8);
  assert.equal(new GradientLimiter({ initial: 1, min: 2, max: 50 }).limit, 2);
  assert.equal(new GradientLimiter({ initial: 3, min: 1, max: 50 }).limit, 3);
});

test('a queue during the slow start ends it', () => {
  const limiter = new GradientLimiter({ initial: 64, min: 1, max: 100 });
  feedWindow(limiter, 0, 20);
  feedWindow(limiter, 100, 20);
  assert.equal(limiter.limit, 16);
  assert.equal(feedWindow(limiter, 200, 40), 8);
  assert.equal(feedWindow(limiter, 300, 20), 10, 'grows by √limit from then on, not doubling');
  assert.equal(feedWindow(limiter, 400, 20), 16, 'each step in a row twice the last, up to half the limit');
  assert.equal(feedWindow(limiter, 500, 40), 8, 'a queue resets it');
  assert.equal(feedWindow(limiter, 600, 20), 10);
});

test('while latency stays at its floor and the limit is used, it grows, up to the maximum and no further', () => {
  const limiter = new GradientLimiter({ initial: 4, min: 1, max: 40 });
  const seen: number[] = [];
  for (let w = 0; w < 40; w++) seen.push(feedWindow(limiter, w * 100, 20));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, `never shrinks: ${seen}`);
  assert.ok(seen[3]! > 4, `grows within a few windows: ${seen}`);
  assert.equal(seen.at(-1), 40);
});

test('a queue (latency above the floor) cuts the limit to throughput × floor in one window', () => {
  const limiter = warmed({ initial: 40, min: 1, max: 100 });
  // Twice the floor with 40 in flight: by Little's law, 20 in flight would have met no queue.
  assert.equal(
    feedWindow(limiter, 1000, 40, () => 'ok', 40),
    20,
  );
  // Ten times the floor: one window cuts at most by MIN_GRADIENT.
  assert.equal(
    feedWindow(limiter, 2000, 200, () => 'ok', 20),
    Math.floor(20 * MIN_GRADIENT),
  );
});

test('a cut waits for tasks started since: the same queue is not cut for twice', () => {
  const limiter = warmed({ initial: 40, min: 1, max: 100 });
  // 40 in flight, 80 ms each against a 20 ms floor: 10 sustained; one window cuts by half at most.
  assert.equal(
    feedWindow(limiter, 1000, 80, () => 'ok', 40),
    20,
  );
  // More tasks started before the cut wait in the same queue: they cut nothing more.
  assert.equal(
    feedWindow(limiter, 1000, 80, () => 'ok', 40),
    20,
  );
  // Tasks started since the cut, 20 in flight, still 40 ms: 10 sustained, and never below it.
  assert.equal(
    feedWindow(limiter, 2000, 40, () => 'ok', 20),
    10,
  );
  // And the tasks from before either cut still wait in the old queue: nothing more.
  assert.equal(
    feedWindow(limiter, 1000, 80, () => 'ok', 40),
    10,
  );
});

test('latency within the tolerance is taken for noise: the limit does not shrink', () => {
  const limiter = warmed({ initial: 20, min: 1, max: 20 });
  assert.equal(feedWindow(limiter, 1000, 24), 20);
});

test('errors and time-outs count as congestion, by their share of the window', () => {
  const limiter = warmed({ initial: 40, min: 1, max: 40 });
  // A quarter of the window timed out, the rest at the floor.
  const after = feedWindow(limiter, 1000, 20, (i) => (i % 4 === 0 ? 'timeout' : 'ok'));
  assert.ok(after <= 30 && after >= 29, `40 → ${after}`);
  const errors = feedWindow(limiter, 2000, 20, () => 'error');
  assert.equal(errors, Math.floor(after * MIN_GRADIENT), 'all failed: cut by the most one window may');
});

test('the limit never leaves its bounds, whatever happens', () => {
  const limiter = new GradientLimiter({ initial: 8, min: 3, max: 12 });
  for (let w = 0; w < 20; w++) {
    const limit = feedWindow(limiter, w * 100, w % 2 ? 1000 : 5, (i) => (i % 2 ? 'timeout' : 'ok'));
    assert.ok(limit >= 3 && limit <= 12, `window ${w}: ${limit}`);
  }
  for (let w = 20; w < 30; w++) feedWindow(limiter, w * 100, 10_000, () => 'timeout');
  assert.equal(limiter.limit, 3);
});

test('too few tasks in flight to use the limit (a slow source): it does not grow', () => {
  const limiter = warmed({ initial: 20, min: 1, max: 100 });
  for (let w = 0; w < 10; w++) feedWindow(limiter, w * 100, 20, () => 'ok', 5);
  assert.equal(limiter.limit, 20);
});

test('growth waits for tasks started since the last change', () => {
  const limiter = warmed({ initial: 16, min: 1, max: 100 });
  const grown = feedWindow(limiter, 1000, 20); // ends at 1020: the limit changed then
  assert.ok(grown > 16);
  assert.equal(feedWindow(limiter, 1010, 20), grown, 'started before the change: no growth on them');
  assert.ok(feedWindow(limiter, 1030, 20) > grown, 'started after it: grows');
});

test('with the floor measured beforehand, the tasks started in the first COLD_START_ROUNDS round trips are not judged, but their failures are', () => {
  const limiter = new GradientLimiter({ initial: 256, min: 1, max: 256, floor: 50 });
  // A burst of 256 started at 0..10, the first to end having started with few in flight, all at
  // three times the floor: Little's law would read about 2 sustained and halve the limit.
  for (let i = 0; i < 256; i++)
    limiter.sample({ start: i / 25, end: 150 + i, inFlight: 1 + (i % 8), outcome: 'ok' });
  assert.equal(limiter.limit, 256, 'the cold start cuts nothing');
  assert.equal(limiter.floor, 50, 'nor joins the floor');
  // Started just within COLD_START_ROUNDS round trips of the first (at 0; the first ended at 150, a
  // round trip of 150 ms): still the cold start.
  const cold = COLD_START_ROUNDS * 150;
  assert.equal(feedWindow(limiter, cold - 1, 150), 256);
  // Started after it: judged, and cut (by half at most).
  assert.equal(feedWindow(limiter, cold, 150), 128);
  // A first task quicker than the floor: the round trip is the floor.
  const quick = new GradientLimiter({ initial: 64, min: 1, max: 256, floor: 50 });
  quick.sample({ start: 0, end: 10, inFlight: 1, outcome: 'ok' });
  assert.equal(feedWindow(quick, COLD_START_ROUNDS * 50 - 1, 150), 64);
  assert.equal(feedWindow(quick, COLD_START_ROUNDS * 50, 150), 32);
  // A first task far slower than the floor: its round trip counts as COLD_START_MAX_FLOORS floors at most.
  const slowFirst = new GradientLimiter({ initial: 64, min: 1, max: 256, floor: 50 });
  slowFirst.sample({ start: 0, end: 30_000, inFlight: 1, outcome: 'ok' });
  const capped = COLD_START_ROUNDS * COLD_START_MAX_FLOORS * 50;
  assert.equal(feedWindow(slowFirst, capped - 1, 150), 64);
  assert.equal(feedWindow(slowFirst, capped, 150), 32);
  // A first ending that failed (a time-out, say) times no round trip: the first success does.
  const timedOut = new GradientLimiter({ initial: 64, min: 1, max: 256, floor: 50 });
  timedOut.sample({ start: 0, end: 30_000, inFlight: 1, outcome: 'error' });
  timedOut.sample({ start: 40_000, end: 40_060, inFlight: 1, outcome: 'ok' });
  const afterFailure = timedOut.limit;
  assert.equal(feedWindow(timedOut, 40_000 + COLD_START_ROUNDS * 60 - 1, 150), afterFailure);
  assert.ok(feedWindow(timedOut, 40_000 + COLD_START_ROUNDS * 60, 150) < afterFailure);
  // Failures in the cold start count as congestion, as anywhere.
  const failing = new GradientLimiter({ initial: 64, min: 1, max: 256, floor: 50 });
  assert.equal(
    feedWindow(failing, 0, 50, () => 'error'),
    32,
  );
  // Without a floor there is no cold start to skip: the slow start measures the floor instead.
  const slow = new GradientLimiter({ initial: 64, min: 1, max: 256 });
  assert.equal(feedWindow(slow, 0, 50), 8);
});

test('a window of tasks started before the last cut does not lift the floor, nor grow the limit', () => {
  const limiter = warmed({ initial: 40, min: 1, max: 100 });
  assert.equal(limiter.floor, 20);
  // Cut at 1080: 40 in flight at 80 ms, 10 sustained, but half at most.
  assert.equal(
    feedWindow(limiter, 1000, 80, () => 'ok', 40),
    20,
  );
  // Many windows of tasks started before the cut, queued: no lift of the floor.
  for (let w = 0; w < 60; w++) feedWindow(limiter, 1000, 80, () => 'ok', 40);
  assert.equal(limiter.floor, 20, 'the floor stays at the unqueued windows');
  // A window of tasks started before the cut, now at the floor: no growth on them.
  assert.equal(
    feedWindow(limiter, 1050, 20, () => 'ok', 20),
    20,
  );
  // Started after it: grows.
  assert.ok(feedWindow(limiter, 1100, 20, () => 'ok', 20) > 20);
});

const inPhase = (run: ReturnType<typeof runModel>, from: number, to: number): number[] =>
  run.limits.filter(([t]) => t >= from && t < to).map(([, limit]) => limit);
const latencyIn = (run: ReturnType<typeof runModel>, from: number, to: number): number[] =>
  run.latencies.filter(([t]) => t >= from && t < to).map(([, ms]) => ms);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

test('against a modelled service whose capacity drops 64 → 8 and comes back, the limit follows both ways', () => {
  // 20 ms per request: 64 at once for 3 s, then 8 for 3 s, then 64 again.
  const run = runModel({
    initial: 64,
    min: 1,
    max: 1000,
    schedule: [
      [0, 64],
      [3000, 8],
      [6000, 64],
    ],
    requests: 14_000,
  });
  // Settled at each capacity (past the first second of each phase): near it, never far below.
  const high = inPhase(run, 1000, 3000);
  const low = inPhase(run, 4000, 6000);
  const again = inPhase(run, 7000, run.endMs);
  assert.ok(
    Math.min(...high) >= 48 && median(high) <= 96,
    `capacity 64: ${Math.min(...high)}–${Math.max(...high)}`,
  );
  assert.ok(
    Math.min(...low) >= 6 && median(low) <= 12,
    `capacity 8: ${Math.min(...low)}–${Math.max(...low)}`,
  );
  assert.ok(median(again) >= 56, `capacity 64 again: median ${median(again)}`);
  // Latency back near its floor (20 ms) once the limit has followed the capacity down.
  assert.ok(median(latencyIn(run, 4000, 6000)) <= 30, `median latency ${median(latencyIn(run, 4000, 6000))}`);
  assert.equal(run.finished, 14_000);
});

test('with the floor measured beforehand, the limit starts at the initial one at once, and cuts against that floor', () => {
  const limiter = new GradientLimiter({ initial: 128, min: 1, max: 256, floor: 50 });
  assert.equal(limiter.limit, 128, 'no slow start: the floor it would measure is known');
  assert.equal(limiter.floor, 50);
  // Past the cold start, latency at the floor: it grows (by a quarter, 32, the first step).
  limiter.sample({ start: 0, end: 50, inFlight: 1, outcome: 'ok' });
  assert.equal(feedWindow(limiter, 100, 50), 160);
  // Twice the floor, in a fresh window: cut to what Little's law says was sustained (160 × 50 / 100).
  assert.equal(feedWindow(limiter, 1000, 100), 80);
  // Its own windows join the floor: a lower median becomes it.
  feedWindow(limiter, 2000, 40);
  assert.equal(limiter.floor, 40);
  // Bounds still hold.
  assert.equal(new GradientLimiter({ initial: 500, min: 1, max: 256, floor: 50 }).limit, 256);
  // A floor that is no measurement (zero, not finite) changes nothing.
  assert.equal(new GradientLimiter({ initial: 128, min: 1, max: 256, floor: 0 }).limit, 4);
});
