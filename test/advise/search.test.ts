import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { autoSampleSize } from '../../src/advise/auto.js';
import { choose, threadsFasterWords } from '../../src/advise/choose.js';
import { doublingLevels, kneeReached, planLevels } from '../../src/advise/levels.js';
import type { Probe } from '../../src/advise/types.js';
import { message, probe, startup } from './figures.js';

describe('levels', () => {
  test('doubling up to the top, the top included', () => {
    assert.deepEqual(doublingLevels(1), [1]);
    assert.deepEqual(doublingLevels(2), [1, 2]);
    assert.deepEqual(doublingLevels(6), [1, 2, 4, 6]);
    assert.deepEqual(doublingLevels(8), [1, 2, 4, 8]);
    assert.deepEqual(doublingLevels(256).length, 9);
  });

  test('I/O-bound: async is searched up to 256, workers probed once at the core count', () => {
    const plan = planLevels({
      kind: 'io-bound',
      cores: 2,
      busyShare: 0.01,
      total: 10_000,
      maxConcurrency: undefined,
    });
    // Level 1 is the sequential sample over again: the search starts at 2.
    assert.deepEqual(plan.async, [2, 4, 8, 16, 32, 64, 128, 256]);
    assert.deepEqual(plan.threads, [2]);
    assert.deepEqual(plan.processes, [2]);
    // The hybrid follows only if async's one loop turns out saturated (the search decides).
    assert.deepEqual(plan.searched, ['async', 'hybrid']);
    assert.equal(plan.hybridNeedsSaturation, true);
    assert.deepEqual(plan.hybrid, [2, 4, 8, 16, 32, 64, 128]);
  });

  test('the hybrid: one worker per core, in flight up to twice what saturates a loop, never past the async top', () => {
    const mixed = planLevels({
      kind: 'mixed',
      cores: 2,
      busyShare: 0.17,
      total: null,
      maxConcurrency: undefined,
    });
    // A loop is full at about 1 / 0.17 ≈ 6 in flight: the levels go to 32 (4 × 6, a power of two up).
    assert.deepEqual(mixed.hybrid, [2, 4, 8, 16, 32]);
    assert.equal(mixed.hybridWorkers, 2);
    assert.equal(mixed.hybridNeedsSaturation, false);
    assert.deepEqual(mixed.order, ['async', 'threads', 'processes', 'hybrid']);
    // One core: nothing to add to async. A task that barely waits: nothing to overlap on a worker.
    assert.deepEqual(
      planLevels({ kind: 'mixed', cores: 1, busyShare: 0.2, total: null, maxConcurrency: undefined }).hybrid,
      [],
    );
    assert.deepEqual(
      planLevels({ kind: 'cpu-bound', cores: 4, busyShare: 0.95, total: null, maxConcurrency: undefined })
        .hybrid,
      [],
    );
    // A job of 10 inputs on 2 workers: at most 5 in flight each.
    assert.deepEqual(
      planLevels({ kind: 'mixed', cores: 2, busyShare: 0.2, total: 10, maxConcurrency: undefined }).hybrid,
      [2, 4, 5],
    );
  });

  test('no level above the job size or the user limit', () => {
    assert.deepEqual(
      planLevels({ kind: 'io-bound', cores: 8, busyShare: 0.01, total: 5, maxConcurrency: undefined }).async,
      [2, 4, 5],
    );
    const limited = planLevels({ kind: 'cpu-bound', cores: 8, busyShare: 1, total: null, maxConcurrency: 3 });
    assert.deepEqual(limited.threads, [1, 2, 3]);
    assert.deepEqual(limited.async, [3]);
  });

  test('CPU-bound: workers from 1 to the cores; mixed: beyond, as far as the waits allow', () => {
    const cpu = planLevels({
      kind: 'cpu-bound',
      cores: 6,
      busyShare: 0.95,
      total: null,
      maxConcurrency: undefined,
    });
    assert.deepEqual(cpu.threads, [1, 2, 4, 6]);
    assert.deepEqual(cpu.order, ['threads', 'processes', 'async']);
    const mixed = planLevels({
      kind: 'mixed',
      cores: 2,
      busyShare: 0.5,
      total: null,
      maxConcurrency: undefined,
    });
    assert.deepEqual(mixed.threads, [1, 2, 4]);
    assert.deepEqual(mixed.searched, ['async', 'threads', 'processes', 'hybrid']);
  });
});

describe('threads against processes', () => {
  test('the pipe is named the cause only where cloning the messages comes to half the difference', () => {
    // The trial: 20 ms tasks, 20 % apart, 2.24 µs of cloning: nowhere near the 0.8 ms a task between them.
    assert.equal(
      threadsFasterWords(120, 100, 0.00224, 2),
      'Threads ran 20 % faster than processes at 2 (a task every 8.33 ms against 10.0 ms). Copying messages ' +
        "does not account for it: cloning a task's messages costs 2.24 µs, against 1.67 ms a task between them; " +
        'these figures do not say why.',
    );
    // Large messages: 1 ms of cloning against 1.67 ms of difference.
    assert.equal(
      threadsFasterWords(120, 100, 1, 2),
      'Threads ran 20 % faster than processes at 2 (a task every 8.33 ms against 10.0 ms): a process must also ' +
        "copy every message through a pipe, and cloning a task's messages alone costs 1.00 ms, half the difference or more.",
    );
  });
});

describe('kneeReached', () => {
  test('throughput that stops rising is the knee', () => {
    const knee = kneeReached(probe('async', 8, 100), probe('async', 16, 102));
    assert.ok(knee);
    assert.match(knee.reason, /from 8 to 16 raised throughput by only 2 % \(100 tasks\/s → 102 tasks\/s/);
    assert.equal(knee.excludeLast, false);
  });

  test('throughput that fell is said to have fallen, and by how much', () => {
    // The trial: 62.3 tasks/s → 36.6 tasks/s read 'raised throughput by nothing'.
    const knee = kneeReached(probe('async', 8, 62.3), probe('async', 16, 36.6));
    assert.match(knee!.reason, /from 8 to 16 lowered throughput by 41 % \(62\.3 tasks\/s → 36\.6 tasks\/s;/);
    const flat = kneeReached(probe('async', 8, 50), probe('async', 16, 50));
    assert.match(
      flat!.reason,
      /from 8 to 16 left throughput where it was \(50\.0 tasks\/s → 50\.0 tasks\/s;/,
    );
  });

  test('throughput that keeps rising is not', () => {
    assert.equal(kneeReached(probe('async', 4, 100), probe('async', 8, 190)), null);
  });

  test('a saturated loop and a server past its knee read differently', () => {
    const loopFull = kneeReached(
      probe('async', 4, 100, 40, 0, 1, 0.7),
      probe('async', 8, 104, 80, 0, 1, 0.97),
    );
    assert.match(
      loopFull!.reason,
      /busy 97 % of the probe: saturated, so tasks wait for the CPU, not for a server; more in flight cannot help, more workers can/,
    );
    const server = kneeReached(probe('async', 4, 100, 40, 0, 1, 0.2), probe('async', 8, 104, 80, 0, 1, 0.25));
    assert.match(
      server!.reason,
      /busy only 25 % of the probe: not the CPU, so something outside .* is past its knee/,
    );
    const hybrid = kneeReached(
      probe('threads', 2, 100, 40, 0, 8, 0.5),
      probe('threads', 2, 103, 40, 0, 16, 0.95),
    );
    assert.match(hybrid!.reason, /^threads \(hybrid\): going from 2×8 to 2×16/);
    assert.match(hybrid!.reason, /workers' event loops were busy 95 %/);
  });

  test('under async, task times that climb faster than throughput are the knee', () => {
    const knee = kneeReached(probe('async', 4, 100, 50), probe('async', 8, 120, 90));
    assert.ok(knee);
    assert.match(
      knee.reason,
      /from 45\.0 ms to 81\.0 ms \(median; 95th percentile 50\.0 ms to 90\.0 ms\) while throughput rose only 20 %/,
    );
    assert.equal(knee.excludeLast, true);
    // Workers sharing cores take longer per task: the throughput alone decides for them.
    assert.equal(kneeReached(probe('threads', 2, 100, 50), probe('threads', 4, 120, 90)), null);
  });

  test('a late straggler alone (the 95th percentile up, the median flat) is not', () => {
    const straggler = { ...probe('async', 8, 120, 90), p50Ms: 46 };
    assert.equal(kneeReached(probe('async', 4, 100, 50), straggler), null);
  });

  test('new failures are the knee', () => {
    const knee = kneeReached(probe('async', 8, 100), probe('async', 16, 200, 50, 3));
    assert.match(knee?.reason ?? '', /made 3 of 100 tasks fail/);
  });
});

function choice(
  probes: Probe[],
  total: number | null = 1000,
  kind: 'io-bound' | 'cpu-bound' | 'mixed' = 'cpu-bound',
) {
  return choose({ kind, probes, startup, message, total, cores: 4 });
}

describe('choose', () => {
  test('a server that serves 4 at once: the lowest level on the plateau', () => {
    const result = choice(
      [
        probe('sequential', 1, 25),
        probe('async', 1, 25),
        probe('async', 2, 50),
        probe('async', 4, 98, 41),
        probe('async', 8, 100, 80),
        probe('threads', 4, 97),
        probe('processes', 4, 96),
      ],
      1000,
      'io-bound',
    );
    assert.equal(result.strategy, 'async');
    assert.equal(result.concurrency, 4);
    assert.equal(result.kind, 'io-bound');
    assert.match(
      result.reasons.join('\n'),
      /Recommended: async at 4, projected 10\.2 s for 1,000 inputs against 40\.0 s sequentially/,
    );
    assert.equal(result.projections[0]!.strategy, 'async');
    assert.deepEqual(
      result.projections.map((p) => p.strategy),
      ['async', 'threads', 'processes', 'sequential'],
    );
  });

  test('CPU work: the level with the best throughput, threads before processes on a tie', () => {
    const result = choice([
      probe('sequential', 1, 100),
      probe('threads', 1, 95),
      probe('threads', 2, 190),
      probe('threads', 4, 370),
      probe('processes', 4, 380),
      probe('async', 4, 99),
    ]);
    assert.equal(result.strategy, 'threads');
    assert.equal(result.concurrency, 4);
    assert.ok(result.reasons.some((r) => /processes at 4 measured [\d.]+ % better, within the 10 %/.test(r)));
    assert.ok(
      result.reasons.some((r) => /a worker thread started in 40\.0 ms, a child process in 90\.0 ms/.test(r)),
    );
  });

  test('a clear winner wins even when it costs more', () => {
    const result = choice([
      probe('sequential', 1, 100),
      probe('threads', 4, 200),
      probe('processes', 4, 380),
    ]);
    assert.equal(result.strategy, 'processes');
    assert.ok(result.reasons.some((r) => /Processes ran 90 % faster than threads at 4/.test(r)));
  });

  test('no model faster than sequential: sequential, and the kind stays', () => {
    const result = choice([probe('sequential', 1, 100), probe('threads', 2, 104), probe('processes', 2, 60)]);
    assert.equal(result.strategy, 'sequential');
    assert.equal(result.kind, 'cpu-bound');
    assert.ok(result.reasons.some((r) => /No model measured more than 10 % faster than sequential/.test(r)));
  });

  test('faster per task but not over so few inputs: too small', () => {
    // 3 inputs at 10 ms: 35 ms sequential with loading; 4 threads take 7.5 ms, but start in 40 ms.
    const result = choice([probe('sequential', 1, 100), probe('threads', 4, 400)], 3);
    assert.equal(result.strategy, 'sequential');
    assert.equal(result.kind, 'too-small');
    assert.ok(
      result.reasons.some((r) => /threads at 4 ran 4\.00 × as fast per task, but over 3 inputs/.test(r)),
    );
  });

  test('a probe past a knee is charted but never recommended', () => {
    const queued = probe('async', 16, 120, 190);
    const result = choose({
      kind: 'io-bound',
      probes: [probe('sequential', 1, 25), probe('async', 4, 90, 50), probe('async', 8, 100, 110), queued],
      pastKnee: [queued],
      startup,
      message,
      total: 1000,
      cores: 4,
    });
    assert.equal(result.concurrency, 8);
  });

  test('failures that appear only under concurrency disqualify the probe', () => {
    const result = choice(
      [probe('sequential', 1, 100), probe('async', 64, 900, 50, 12), probe('async', 8, 500)],
      1000,
      'io-bound',
    );
    assert.equal(result.concurrency, 8);
  });

  test('a task that waits and computes: the hybrid wins on the figures, and says why', () => {
    const result = choose({
      kind: 'mixed',
      probes: [
        probe('sequential', 1, 16),
        probe('async', 64, 55, 900, 0, 1, 0.98),
        probe('threads', 2, 33),
        probe('threads', 2, 70, 50, 0, 8, 0.7),
        probe('threads', 2, 110, 60, 0, 16, 0.92),
      ],
      startup,
      message,
      total: 1200,
      cores: 2,
    });
    assert.equal(result.strategy, 'threads');
    assert.equal(result.concurrency, 2);
    assert.equal(result.inFlight, 16);
    assert.ok(result.projections.some((p) => p.inFlight === 16));
    const words = result.reasons.join('\n');
    assert.match(words, /Recommended: threads at 2×16/);
    assert.match(words, /async peaked at .* with its one event loop 98 % busy/);
    assert.match(words, /2 workers on 2 cores, 16 tasks in flight on each/);
  });

  test('on a plateau, the hybrid level with the most tasks in flight wins (headroom for the wait), and says so', () => {
    for (const [eight, sixteen] of [
      [100, 104],
      [104, 100],
      [100, 95],
    ]) {
      const result = choose({
        kind: 'mixed',
        probes: [
          probe('sequential', 1, 16),
          probe('threads', 2, eight!, 50, 0, 4),
          probe('threads', 2, eight!, 50, 0, 8),
          probe('threads', 2, sixteen!, 50, 0, 16),
        ],
        startup,
        message,
        total: 1200,
        cores: 2,
      });
      assert.equal(result.inFlight, 16, `${eight} at 2×8 against ${sixteen} at 2×16`);
      assert.ok(
        result.reasons.some((r) => /2×4.*within the 10 % counted as equal.*most tasks in flight/.test(r)),
        result.reasons.join('\n'),
      );
    }
  });

  test('off the plateau, the faster hybrid level wins, whatever its tasks in flight', () => {
    const result = choose({
      kind: 'mixed',
      probes: [
        probe('sequential', 1, 16),
        probe('threads', 2, 120, 50, 0, 8),
        probe('threads', 2, 90, 50, 0, 16),
      ],
      startup,
      message,
      total: 1200,
      cores: 2,
    });
    assert.equal(result.inFlight, 8);
  });

  test('plain threads on a plateau still take the fewest workers', () => {
    const result = choose({
      kind: 'cpu-bound',
      probes: [probe('sequential', 1, 16), probe('threads', 2, 100), probe('threads', 4, 104)],
      startup,
      message,
      total: 1200,
      cores: 2,
    });
    assert.equal(result.concurrency, 2);
  });

  test('an unknown job size ranks by throughput and projects nothing', () => {
    const result = choice([probe('sequential', 1, 100), probe('threads', 4, 390)], null);
    assert.equal(result.strategy, 'threads');
    assert.deepEqual(result.projections, []);
    assert.ok(result.reasons.some((r) => /size is unknown/.test(r)));
  });
});

describe('autoSampleSize', () => {
  test('the whole job up to 500 inputs (their results are kept, so a larger sample costs no time)', () => {
    assert.equal(autoSampleSize(10), 10);
    assert.equal(autoSampleSize(100), 100);
    assert.equal(autoSampleSize(2000), 500);
    assert.equal(autoSampleSize(1_000_000), 500);
    assert.equal(autoSampleSize(null), 500);
  });
});
