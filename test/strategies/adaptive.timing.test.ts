/**
 * Wall-clock verdicts of `concurrency: 'adaptive'` (async) and `inFlight: 'adaptive'` (the hybrid: two
 * worker threads): the loopback server's capacity drops from 64 to 8 mid-run, then rises to 64 again,
 * and the limit must follow each way within a stated time. Generous margins, and the timing tier
 * retries a failure: the machine is shared. Under the hybrid the limit counts per worker, so every
 * bound on it is divided by the workers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutorOptions } from '../../src/core/options.js';
import type { LimitPoint } from '../../src/core/types.js';
import { createExecutor } from '../../src/executor/executor.js';
import { WORKLOADS } from '../../src/workloads/index.js';
import { startServer } from '../../src/workloads/server.js';

/**
 * The server answers each request after this long: the latency floor. Well above the scheduling noise
 * of a loaded 2-core machine (a few ms to tens of ms), which a limiter reading latency would take for
 * a queue: docs/adaptive.md says when a fixed limit is the better choice.
 */
const SERVICE_MS = 100;
/** How long each capacity lasts: 64, then 8, then 64. */
const PHASE_MS = 5000;
/**
 * The limit must have followed a change within this long: 35 floors. On a quiet machine it takes a few;
 * at a load average of 13 on 2 cores, a 2.5 s bound failed two tries in three.
 */
const FOLLOW_MS = 3500;
const BOUNDS = { min: 2, max: 200 };
/** The hybrid's workers: its limit is per worker, so its bounds and verdicts are divided by this. */
const WORKERS = 2;

/** The limit in force at `time`. */
function limitAt(history: LimitPoint[], time: number): number {
  let limit = history[0]!.limit;
  for (const point of history) if (point.time <= time) limit = point.limit;
  return limit;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** The limit sampled every 10 ms over [from, to), relative to the run's start. */
function limitsOver(history: LimitPoint[], start: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += 10) out.push(limitAt(history, start + t));
  return out;
}

const CASES: { name: string; options: Partial<ExecutorOptions>; workers: number }[] = [
  {
    name: 'async',
    options: { strategy: 'async', concurrency: `adaptive:${BOUNDS.min}-${BOUNDS.max}` },
    workers: 1,
  },
  {
    name: `threads, ${WORKERS} workers, inFlight adaptive`,
    options: {
      strategy: 'threads',
      concurrency: WORKERS,
      inFlight: `adaptive:${BOUNDS.min / WORKERS}-${BOUNDS.max / WORKERS}`,
    },
    workers: WORKERS,
  },
];

for (const { name, options, workers } of CASES) {
  test(`${name}: the limit follows the capacity down (64 → 8) and up again (→ 64), latency returns near its floor, every input ends once`, {
    timeout: 60_000,
  }, async () => {
    await followsTheCapacity(options, workers);
  });
}

async function followsTheCapacity(options: Partial<ExecutorOptions>, workers: number): Promise<void> {
  const server = await startServer({ delay: SERVICE_MS, capacity: 64 });
  const executor = createExecutor<string, number>({
    task: WORKLOADS.download,
    ...options,
    timeline: true,
  });
  const timers: NodeJS.Timeout[] = [];
  try {
    const start = Date.now();
    timers.push(setTimeout(() => server.setCapacity(8), PHASE_MS));
    timers.push(setTimeout(() => server.setCapacity(64), 2 * PHASE_MS));
    let read = 0;
    async function* urls(): AsyncGenerator<string> {
      while (Date.now() - start < 3 * PHASE_MS) yield `${server.url}?id=${read++}`;
    }
    let ok = 0;
    for await (const size of executor.stream(urls())) {
      assert.ok(size.value > 0);
      ok++;
    }
    assert.equal(ok, read, 'every input read ended with a result');
    const byId = server.stats().byId;
    assert.equal(byId.size, read);
    assert.ok(
      [...byId.values()].every((n) => n === 1),
      'each request made once',
    );

    const history = executor.concurrencyHistory();
    for (const point of history)
      assert.ok(
        point.limit >= BOUNDS.min / workers && point.limit <= BOUNDS.max / workers,
        `bounds: ${point.limit}`,
      );
    const before = limitsOver(history, start, PHASE_MS - 1000, PHASE_MS);
    const down = limitsOver(history, start, PHASE_MS + FOLLOW_MS, 2 * PHASE_MS);
    const up = limitsOver(history, start, 2 * PHASE_MS + FOLLOW_MS, 3 * PHASE_MS);
    const trace = `limit medians${workers > 1 ? ' per worker' : ''}: ${median(before)} before, ${median(down)} after the drop, ${median(up)} after the rise`;
    // Well above the coming capacity first, or following it down would mean nothing.
    assert.ok(median(before) * workers >= 12, `at least 1.5 × 8 at capacity 64; ${trace}`);
    assert.ok(
      median(down) * workers <= 16,
      `within ${FOLLOW_MS} ms of the drop, at most twice the capacity of 8; ${trace}`,
    );
    assert.ok(
      median(up) * workers > 16,
      `within ${FOLLOW_MS} ms of the rise, at least twice the old capacity; ${trace}`,
    );

    // A fixed 64 would wait 8 × 100 ms = 800 ms behind the queue: adaptive must stay near the floor.
    const settled = executor
      .timeline()
      .filter((e) => e.end - start >= PHASE_MS + FOLLOW_MS && e.end - start < 2 * PHASE_MS)
      .map((e) => e.end - e.start);
    assert.ok(settled.length > 0);
    assert.ok(
      median(settled) <= 2.5 * SERVICE_MS,
      `median latency ${median(settled).toFixed(1)} ms at capacity 8`,
    );
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await executor.close();
    await server.close();
  }
}
