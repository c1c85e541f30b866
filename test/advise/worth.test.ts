/** When the advisor's choice is clear: ceilings, the first useful level, and whether a probe pays (exact figures). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SampleBank } from '../../src/advise/bank.js';
import { bounds } from '../../src/advise/classify.js';
import { hybridFirst, planLevels } from '../../src/advise/levels.js';
import { autoAsyncLevels, realized } from '../../src/advise/search.js';
import { ceilingRate, coreMsPerTask, firstUsefulLevel, probeWorth } from '../../src/advise/worth.js';
import type { Executor } from '../../src/executor/executor.js';
import { message, probe, sampleOf, startup } from './figures.js';

// The mixed job: 60 ms a task, 10 ms of it on the loop (and on a core).
const mixed = sampleOf(60, 1 / 6);
// Only waits: 50 ms, 0.5 ms on the loop. Only computes: 40 ms, all of it.
const waits = sampleOf(50, 0.01);
const computes = sampleOf(40, 1);

describe('ceilings', () => {
  test('a core per task: the lower of busy and CPU time (each reads high in its own way)', () => {
    assert.equal(coreMsPerTask(sampleOf(100, 0.5, 0.3)), 30); // a loaded machine stretches busy time
    assert.equal(coreMsPerTask(sampleOf(100, 0.2, 0.6)), 20); // the libuv pool and the JIT add CPU
  });

  test('async: at most one loop; workers: their loops and the cores; the hybrid: both', () => {
    assert.equal(ceilingRate('sequential', 1, 1, mixed, 2), 1000 / 60);
    assert.equal(ceilingRate('async', 2, 1, mixed, 2), (2 / 60) * 1000);
    assert.equal(ceilingRate('async', 64, 1, mixed, 2), 100); // one loop, 10 ms a task
    assert.equal(ceilingRate('threads', 8, 1, mixed, 2), (8 / 60) * 1000);
    assert.equal(ceilingRate('threads', 32, 1, mixed, 2), 200); // two cores, 10 ms a task
    assert.equal(ceilingRate('threads', 2, 8, mixed, 2), 200);
    assert.equal(ceilingRate('threads', 2, 2, mixed, 2), (4 / 60) * 1000);
    assert.equal(ceilingRate('threads', 2, 1, computes, 2), 50);
    assert.equal(ceilingRate('async', 8, 1, computes, 2), 25);
    // Waiting: the loop is far from full at 64 in flight, or even at 1,000.
    assert.equal(ceilingRate('async', 64, 1, waits, 2), (64 / 50) * 1000);
    assert.equal(ceilingRate('async', 1000, 1, waits, 2), 2000);
  });

  test('the first useful level reaches the top ceiling within the plateau tolerance', () => {
    // The hybrid on 2 workers, 2, 4, 8, 16 in flight: 66.7, 133.3, 200, 200 tasks/s.
    const levels = [2, 4, 8, 16].map((k) => ceilingRate('threads', 2, k, mixed, 2));
    assert.equal(firstUsefulLevel(levels), 2);
    // CPU-bound threads at 1, 2 on 2 cores: 25, 50.
    assert.equal(firstUsefulLevel([1, 2].map((n) => ceilingRate('threads', n, 1, computes, 2))), 1);
    assert.equal(firstUsefulLevel([100, 95]), 0);
  });

  test('realized: how close the best probe came to its own ceiling, where its loops were saturated', () => {
    const context = { sample: mixed, cores: 2 };
    // Loops 90 % busy: the machine held it at 75 % of its ceiling of 200 tasks/s.
    assert.equal(
      realized([probe('sequential', 1, 1000 / 60), probe('threads', 2, 150, 50, 0, 8, 0.9)], context),
      0.75,
    );
    // Loops half idle: something outside held it, which says nothing of the other models.
    assert.equal(
      realized([probe('sequential', 1, 1000 / 60), probe('threads', 2, 150, 50, 0, 8, 0.5)], context),
      1,
    );
    assert.equal(realized([probe('sequential', 1, 20)], context), 1);
  });
});

describe('probeWorth', () => {
  test('a model whose ceiling is within the tolerance of the best measured is not worth probing', () => {
    const worth = probeWorth({
      ceiling: 105,
      expected: 100,
      best: 100,
      remaining: null,
      fixedMs: 0,
      measuredMs: 400,
      kept: true,
      cheaper: false,
    });
    assert.deepEqual(worth, { worth: false, savingMs: Number.POSITIVE_INFINITY, costMs: 0 });
  });

  test('a cheaper model that could tie is probed when the size is unknown; known, only if it saves time', () => {
    const tie = { ceiling: 95, expected: 50, best: 100, measuredMs: 400, kept: true, cheaper: true };
    assert.equal(probeWorth({ ...tie, remaining: null, fixedMs: 0 }).worth, true);
    assert.equal(probeWorth({ ...tie, cheaper: false, remaining: null, fixedMs: 0 }).worth, false);
    // Known size: it saves nothing, and costs its start-up and the half of the probe it runs below the best.
    assert.deepEqual(probeWorth({ ...tie, remaining: 1000, fixedMs: 5 }), {
      worth: false,
      savingMs: 0,
      costMs: 205,
    });
  });

  test('a known job size: the most it could save over the inputs left against what it costs', () => {
    // 1,000 inputs left at 100/s is 10 s; at a ceiling of 200/s, 5 s: it could save 5 s.
    const kept = probeWorth({
      ceiling: 200,
      expected: 150,
      best: 100,
      remaining: 1000,
      fixedMs: 300,
      measuredMs: 400,
      kept: true,
      cheaper: false,
    });
    assert.deepEqual(kept, { worth: true, savingMs: 5000, costMs: 300 });
    // Results thrown away, 20 inputs left: at most 100 ms saved, against 300 + 400 ms.
    const small = probeWorth({
      ceiling: 200,
      expected: 50,
      best: 100,
      remaining: 20,
      fixedMs: 300,
      measuredMs: 400,
      kept: false,
      cheaper: false,
    });
    assert.deepEqual(small, { worth: false, savingMs: 100, costMs: 700 });
    // Kept results at half the best rate: half the probe's time is lost.
    const slow = probeWorth({
      ceiling: 200,
      expected: 50,
      best: 100,
      remaining: 20,
      fixedMs: 0,
      measuredMs: 400,
      kept: true,
      cheaper: false,
    });
    assert.deepEqual(slow, { worth: false, savingMs: 100, costMs: 200 });
  });
});

describe("auto's plans for the three jobs", () => {
  const autoPlan = (kind: 'io-bound' | 'mixed' | 'cpu-bound', busyShare: number) =>
    hybridFirst(planLevels({ kind, cores: 2, busyShare, total: 600, maxConcurrency: undefined }), busyShare);

  test('only waits: async first, the hybrid only after its loop saturates', () => {
    const plan = autoPlan('io-bound', 0.01);
    assert.deepEqual(plan.order, ['async', 'threads', 'processes', 'hybrid']);
    assert.equal(plan.hybridNeedsSaturation, true);
    // A GET's parsing on a loaded machine: 8 % busy, one loop full at 12.5 in flight: still async first.
    assert.deepEqual(autoPlan('io-bound', 0.08).order, ['async', 'threads', 'processes', 'hybrid']);
  });

  test('waits and computes: the hybrid first, even where the loop share reads as I/O-bound', () => {
    const io = autoPlan('io-bound', 0.15);
    assert.deepEqual(io.order, ['hybrid', 'async', 'threads', 'processes']);
    assert.equal(io.hybridNeedsSaturation, false);
    assert.deepEqual(io.searched, ['async', 'hybrid']);
    assert.deepEqual(autoPlan('mixed', 0.3).order, ['hybrid', 'async', 'threads', 'processes']);
    // `fanout advise` keeps the plan's own order, the hybrid last.
    assert.deepEqual(
      planLevels({ kind: 'mixed', cores: 2, busyShare: 0.3, total: 600, maxConcurrency: undefined }).order,
      ['async', 'threads', 'processes', 'hybrid'],
    );
  });

  test('only computes: threads, then processes, then async', () => {
    assert.deepEqual(autoPlan('cpu-bound', 1).order, ['threads', 'processes', 'async']);
  });
});

describe('autoAsyncLevels', () => {
  test('from 8, quadrupling, the top always last', () => {
    assert.deepEqual(autoAsyncLevels([2, 4, 8, 16, 32, 64, 128, 256]), [8, 32, 128, 256]);
    assert.deepEqual(autoAsyncLevels([2, 4, 8, 16, 32, 64, 120]), [8, 32, 120]);
    assert.deepEqual(autoAsyncLevels([2, 4, 5]), [5]);
    assert.deepEqual(autoAsyncLevels([]), []);
  });
});

describe('bounds', () => {
  test('a task that waits and computes has a hybrid bound: every core, tasks in flight on each', () => {
    const list = bounds({
      kind: 'mixed',
      sample: sampleOf(60, 0.25),
      message,
      startup,
      total: 1200,
      cores: 2,
      asyncCap: 256,
      workerCap: 8,
    });
    const hybrid = list.find((b) => b.inFlight !== undefined)!;
    // A loop is full at 4 in flight; four times that, a power of two: 16. Two cores at 15 ms a task: 8 × faster.
    assert.deepEqual(
      {
        strategy: hybrid.strategy,
        concurrency: hybrid.concurrency,
        inFlight: hybrid.inFlight,
        speedup: hybrid.speedup,
      },
      { strategy: 'threads', concurrency: 2, inFlight: 16, speedup: 8 },
    );
    assert.equal(hybrid.wallMs, hybrid.overheadMs + (1200 * 60) / 8);
  });

  test('no hybrid bound for a task that only computes', () => {
    const list = bounds({
      kind: 'cpu-bound',
      sample: computes,
      message,
      startup,
      total: 100,
      cores: 2,
      asyncCap: 256,
      workerCap: 2,
    });
    assert.equal(
      list.some((b) => b.inFlight !== undefined),
      false,
    );
  });
});

describe('SampleBank', () => {
  test('holds the latest two warm executors of a model, one per configuration, and hands over the chosen one', async () => {
    const closed: string[] = [];
    const fake = (name: string): Executor =>
      ({ close: async () => void closed.push(name) }) as unknown as Executor;
    const bank = new SampleBank([1]);
    const threads = (concurrency: number, inFlight = 1) => ({
      strategy: 'threads' as const,
      concurrency,
      inFlight,
    });
    await bank.hold(fake('2×16'), threads(2, 16));
    await bank.hold(fake('1'), threads(1));
    await bank.hold(fake('2'), threads(2));
    await bank.hold(fake('4'), threads(4));
    assert.deepEqual(closed, ['1'], 'the oldest plain-threads one goes; the hybrid is another model');
    await bank.hold(fake('4 again'), threads(4));
    assert.deepEqual(closed, ['1', '4'], 'one per configuration');
    assert.ok(bank.holds(threads(2, 16)) && bank.holds(threads(2)) && !bank.holds(threads(1)));
    const warm = await bank.takeWarm(threads(2));
    assert.ok(warm !== undefined);
    assert.deepEqual(closed.sort(), ['1', '2×16', '4', '4 again']);
    assert.equal(bank.holds(threads(2)), false);
  });

  test('fresh inputs first, in order, then known ones round and round; only fresh results are kept', () => {
    const bank = new SampleBank(['a', 'b', 'c']);
    assert.deepEqual(bank.nextFresh(), { index: 0, input: 'a' });
    bank.keep(0, 'A');
    const drawn = bank.draw(4, ['a']);
    assert.deepEqual(drawn, { inputs: ['b', 'c', 'a', 'a'], fresh: [1, 2, -1, -1] });
    bank.keep(2, 'C');
    bank.keep(-1, 'ignored');
    assert.equal(bank.freshLeft, 0);
    assert.deepEqual(
      [...bank.kept],
      [
        [0, 'A'],
        [2, 'C'],
      ],
    );
  });

  test("a result slower than the time-out is not the job's; after stopFresh, only known inputs", () => {
    const bank = new SampleBank([1, 2, 3], 100);
    bank.keep(0, 'slow', 150);
    bank.keep(1, 'fast', 50);
    assert.deepEqual([...bank.kept], [[1, 'fast']]);
    bank.stopFresh();
    assert.equal(bank.freshLeft, 0);
    assert.deepEqual(bank.draw(2, [9]), { inputs: [9, 9], fresh: [-1, -1] });
  });
});
