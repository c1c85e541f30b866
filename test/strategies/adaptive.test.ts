/**
 * `concurrency: 'adaptive'` under async, and `inFlight: 'adaptive'` under threads and processes, against the real loopback server with a capacity: what must
 * hold whatever the machine's load (bounds, exactly once, the read-ahead following the limit). How fast
 * the limit follows a change of capacity is in adaptive.timing.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resolveOptions } from '../../src/core/options.js';
import type { TimelineEntry } from '../../src/core/types.js';
import { createExecutor } from '../../src/executor/executor.js';
import { startServer, WORKLOADS } from '../../src/index.js';
import { createAsync } from '../../src/strategies/in-process.js';
import { DEFAULT_BODY_BYTES } from '../../src/workloads/request-plan.js';
import type { FanoutServer } from '../../src/workloads/server.js';

let server: FanoutServer;
before(async () => {
  server = await startServer({ delay: 5, capacity: 4 });
});
after(() => server.close());

/** The most tasks that overlapped in time. */
function peakOverlap(timeline: TimelineEntry[]): number {
  const edges = timeline.flatMap((e) => [
    [e.start, 1],
    [e.end, -1],
  ]) as [number, number][];
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, step] of edges) {
    now += step;
    peak = Math.max(peak, now);
  }
  return peak;
}

test('every input ends exactly once, and the limit and the tasks in flight stay within the bounds', async () => {
  const count = 400;
  const executor = createExecutor<string, number>({
    task: WORKLOADS.download,
    strategy: 'async',
    concurrency: 'adaptive:2-12',
    timeline: true,
  });
  const before = server.stats().byId.size;
  try {
    assert.deepEqual(executor.adaptive, { min: 2, max: 12 });
    const urls = Array.from({ length: count }, (_, i) => `${server.url}?id=bounds-${i}`);
    const sizes = await executor.map(urls);
    assert.equal(sizes.length, count);
    assert.ok(sizes.every((size) => size === DEFAULT_BODY_BYTES));
    const byId = server.stats().byId;
    assert.equal(byId.size - before, count);
    for (let i = 0; i < count; i++) assert.equal(byId.get(`bounds-${i}`), 1, `request ${i} made once`);
    const history = executor.concurrencyHistory();
    assert.ok(history.length >= 1);
    for (const point of history) assert.ok(point.limit >= 2 && point.limit <= 12, `limit ${point.limit}`);
    for (let i = 1; i < history.length; i++) assert.ok(history[i]!.time >= history[i - 1]!.time);
    const range = executor.concurrencyRange();
    assert.ok(range.min >= 2 && range.max <= 12, JSON.stringify(range));
    assert.ok(executor.concurrencyNow() >= 2 && executor.concurrencyNow() <= 12);
    assert.ok(peakOverlap(executor.timeline()) <= 12, `peak in flight ${peakOverlap(executor.timeline())}`);
    assert.equal(executor.timeline().length, count);
  } finally {
    await executor.close();
  }
});

test('errors count as congestion: all failing drives the limit to its minimum, each input failing once', async () => {
  const count = 300;
  const executor = createExecutor<string, number>({
    task: WORKLOADS.download,
    strategy: 'async',
    concurrency: 'adaptive:3-64',
  });
  try {
    const urls = Array.from({ length: count }, (_, i) => `${server.url}?status=503&delay=0&id=fail-${i}`);
    const outcomes = await executor.map(urls, { settle: true });
    assert.equal(outcomes.length, count);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && /answered 503/.test(o.reason.message)));
    assert.equal(executor.concurrencyNow(), 3);
    assert.equal(executor.concurrencyRange().min, 3);
    for (let i = 0; i < count; i++) assert.equal(server.stats().byId.get(`fail-${i}`), 1);
  } finally {
    await executor.close();
  }
});

for (const strategy of ['threads', 'processes'] as const) {
  test(`${strategy}, inFlight adaptive: every input once, each worker's tasks in flight within the bounds, errors drive it to its minimum`, async () => {
    const count = 300;
    const executor = createExecutor<string, number>({
      task: WORKLOADS.download,
      strategy,
      concurrency: 2,
      inFlight: 'adaptive:2-6',
      timeline: true,
    });
    try {
      assert.deepEqual(executor.adaptive, { min: 2, max: 6 });
      assert.equal(executor.adaptivePerWorker, true);
      const urls = Array.from({ length: count }, (_, i) => `${server.url}?id=${strategy}-hybrid-${i}`);
      const sizes = await executor.map(urls);
      assert.ok(sizes.length === count && sizes.every((size) => size === DEFAULT_BODY_BYTES));
      for (let i = 0; i < count; i++)
        assert.equal(server.stats().byId.get(`${strategy}-hybrid-${i}`), 1, `request ${i} made once`);
      for (const point of executor.concurrencyHistory())
        assert.ok(point.limit >= 2 && point.limit <= 6, `limit ${point.limit}`);
      const timeline = executor.timeline();
      assert.equal(timeline.length, count);
      for (const workerId of new Set(timeline.map((e) => e.workerId))) {
        const peak = peakOverlap(timeline.filter((e) => e.workerId === workerId));
        assert.ok(peak <= 6, `worker ${workerId}: ${peak} in flight at once`);
      }
      const series = executor.concurrencySeries();
      assert.equal(
        series.reduce((sum, bucket) => sum + bucket.done, 0),
        count,
        'the series counts every task',
      );
      // All failing: each failure is congestion, down to the minimum.
      const failing = Array.from(
        { length: count },
        (_, i) => `${server.url}?status=503&delay=0&id=${strategy}-f-${i}`,
      );
      const outcomes = await executor.map(failing, { settle: true });
      assert.ok(outcomes.every((o) => o.status === 'rejected'));
      assert.equal(executor.concurrencyNow(), 2);
    } finally {
      await executor.close();
    }
  });
}

test("stream's read-ahead follows the limit down: it reads at most twice the limit ahead", async () => {
  const executor = createExecutor<string, number>({
    task: WORKLOADS.download,
    strategy: 'async',
    concurrency: 'adaptive:1-64',
  });
  let read = 0;
  async function* urls(): AsyncGenerator<string> {
    for (let i = 0; i < 400; i++) {
      read++;
      yield `${server.url}?status=503&delay=0`;
    }
  }
  try {
    let handed = 0;
    const gaps: { gap: number; limit: number }[] = [];
    for await (const outcome of executor.stream(urls(), { settle: true })) {
      assert.equal(outcome.status, 'rejected');
      handed++;
      gaps.push({ gap: read - handed, limit: executor.concurrencyNow() });
    }
    assert.equal(handed, 400);
    assert.equal(executor.concurrencyNow(), 1);
    // Once the limit is at 1, the window is 2: never more than that read ahead (plus the one in hand).
    const late = gaps.slice(-100);
    assert.ok(
      late.every(({ gap }) => gap <= 3),
      `late read-ahead: ${late.map((g) => g.gap)}`,
    );
  } finally {
    await executor.close();
  }
});

test("the strategy's capacity hint is twice the limit now, and a fixed strategy has no moving limit", async () => {
  const strategy = createAsync(
    resolveOptions({ task: WORKLOADS.download, strategy: 'async', concurrency: 'adaptive:2-50' }),
  );
  try {
    assert.equal(strategy.concurrency, 50);
    assert.equal(strategy.adaptive?.now(), 4, 'slow start: from 4');
    assert.equal(strategy.capacityHint(), 8);
    assert.deepEqual(strategy.adaptive?.bounds, { min: 2, max: 50 });
  } finally {
    await strategy.close();
  }
  const fixed = createAsync(resolveOptions({ task: WORKLOADS.download, strategy: 'async', concurrency: 8 }));
  assert.equal(fixed.adaptive, undefined);
  assert.equal(fixed.capacityHint(), 16);
  await fixed.close();
});
