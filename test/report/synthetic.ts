import type {
  ReportData,
  ReportProbe,
  ReportSection,
  ReportStrategy,
  ReportTimelineEntry,
} from '../../src/report/html/index.js';

/** A path that would break a page that forgot to escape: it closes the script and opens another. */
export const HOSTILE_TASK = './tasks/</script><script>alert("x")</script>&\'quotes\'.mjs';

const EPOCH = Date.UTC(2025, 2, 1, 14, 5, 9);

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run draws the same page. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Simulation {
  inputs: number;
  slots: number;
  /** The worker id a slot reports: 0 for sequential and async (one thread), 1… for pools. */
  workerOf: (slot: number) => number;
  durationMs: (index: number) => number;
  /** Time before the first task starts (worker start-up), in ms. */
  startupMs?: number;
  /** Time between one task's end and the next task's start on a slot (message cost), in ms. */
  gapMs?: number;
}

/** Inputs handed out in order to whichever slot is free first: a queue feeding N workers or N promises. */
export function simulate(sim: Simulation): ReportTimelineEntry[] {
  const free = Array.from({ length: sim.slots }, (_, slot) => EPOCH + (sim.startupMs ?? 0) + slot * 0.05);
  const entries: ReportTimelineEntry[] = [];
  for (let index = 0; index < sim.inputs; index++) {
    let slot = 0;
    for (let k = 1; k < free.length; k++) if ((free[k] ?? 0) < (free[slot] ?? 0)) slot = k;
    const start = free[slot] ?? EPOCH;
    const end = start + sim.durationMs(index);
    entries.push({ workerId: sim.workerOf(slot), index, start, end });
    free[slot] = end + (sim.gapMs ?? 0);
  }
  return entries;
}

function strategy(
  name: string,
  concurrency: number,
  timeline: ReportTimelineEntry[],
  figures: { cpuMs: number; rssMb: number; spread: number; startupMs?: number; failed?: number },
  baselineMs?: number,
): ReportStrategy {
  const first = Math.min(...timeline.map((e) => e.start));
  const last = Math.max(...timeline.map((e) => e.end));
  const median = last - first + (figures.startupMs ?? 0);
  const speedup = baselineMs === undefined ? 1 : baselineMs / median;
  return {
    strategy: name,
    concurrency,
    wallMs: { median, min: median * (1 - figures.spread), max: median * (1 + figures.spread * 1.6) },
    cpuMs: figures.cpuMs,
    peakRssBytes: figures.rssMb * 1024 * 1024,
    tasksPerSecond: (timeline.length / median) * 1000,
    speedup,
    efficiency: speedup / concurrency,
    failed: figures.failed ?? 0,
    timeline,
  };
}

/** The seed's I/O-bound job: 80 downloads from a slow server, under the four models. */
function ioSection(): ReportSection {
  const rnd = random(1);
  const latency = Array.from({ length: 80 }, () => 22 + rnd() * 18 + (rnd() < 0.05 ? 40 : 0));
  const duration = (i: number): number => latency[i] ?? 25;
  const seq = simulate({ inputs: 80, slots: 1, workerOf: () => 0, durationMs: duration, gapMs: 0.4 });
  const base = strategy('sequential', 1, seq, { cpuMs: 160, rssMb: 58, spread: 0.03 });
  const baseMs = base.wallMs.median;
  const probes: ReportProbe[] = [1, 2, 4, 8, 16, 32, 64].flatMap((c) => {
    const ideal = (1000 / 30) * c;
    const capped = Math.min(ideal, 520 + c * 1.5);
    return [
      {
        strategy: 'async',
        concurrency: c,
        tasksPerSecond: capped,
        p50Ms: 28 + c * 0.6,
        p95Ms: 38 + c ** 1.35,
      },
    ];
  });
  probes.push(
    ...[1, 2, 4, 8].map((c) => ({
      strategy: 'threads',
      concurrency: c,
      tasksPerSecond: Math.min((1000 / 34) * c, 230),
      p95Ms: 44 + c * 2,
    })),
  );
  return {
    title: 'I/O-bound: 80 downloads',
    task: 'fanout demo: GET one page 80 times from the loopback server',
    inputs: 80,
    strategies: [
      base,
      strategy(
        'async',
        16,
        simulate({ inputs: 80, slots: 16, workerOf: () => 0, durationMs: duration }),
        { cpuMs: 120, rssMb: 61, spread: 0.08 },
        baseMs,
      ),
      strategy(
        'threads',
        5,
        simulate({
          inputs: 80,
          slots: 5,
          workerOf: (s) => s + 1,
          durationMs: duration,
          startupMs: 35,
          gapMs: 0.3,
        }),
        { cpuMs: 410, rssMb: 112, spread: 0.06, startupMs: 35 },
        baseMs,
      ),
      strategy(
        'processes',
        2,
        simulate({
          inputs: 80,
          slots: 2,
          workerOf: (s) => s + 1,
          durationMs: duration,
          startupMs: 90,
          gapMs: 0.6,
        }),
        { cpuMs: 520, rssMb: 141, spread: 0.05, startupMs: 90 },
        baseMs,
      ),
    ],
    probes,
    verdict: {
      kind: 'io-bound',
      strategy: 'async',
      concurrency: 16,
      reasons: [
        'Each task waited 94 % of its wall time: CPU 1.9 ms of 30 ms per download.',
        'Throughput rose from 33 /s at 1 in flight to 544 /s at 16, then stayed flat (544 /s at 32, 616 /s at 64) while p95 latency climbed from 80 ms to 315 ms.',
        'One thread keeps 16 requests in flight; threads and processes add start-up and memory for nothing.',
      ],
    },
    summary: [
      'async ran 9.2 × faster than sequential.',
      'Projected wall time for all 80 inputs: sequential 2.4 s, async 0.26 s, threads 0.52 s, processes 1.3 s.',
    ],
  };
}

/** The seed's CPU-bound job: sums of squares of 20 large numbers. */
function cpuSection(): ReportSection {
  const rnd = random(2);
  const cost = Array.from({ length: 20 }, (_, i) => 180 + i * 0.4 + rnd() * 12);
  const duration = (i: number): number => cost[i] ?? 180;
  const seq = simulate({ inputs: 20, slots: 1, workerOf: () => 0, durationMs: duration });
  const base = strategy('sequential', 1, seq, { cpuMs: 3720, rssMb: 52, spread: 0.02 });
  const parallel = (i: number): number => duration(i) * 1.04;
  return {
    title: 'CPU-bound: 20 sums of squares',
    task: 'fanout demo: sum(i * i for i < n), n = 5,000,000 … 5,000,019',
    inputs: 20,
    strategies: [
      base,
      strategy(
        'async',
        64,
        simulate({ inputs: 20, slots: 1, workerOf: () => 0, durationMs: duration }),
        { cpuMs: 3750, rssMb: 53, spread: 0.02 },
        base.wallMs.median,
      ),
      strategy(
        'threads',
        2,
        simulate({
          inputs: 20,
          slots: 2,
          workerOf: (s) => s + 1,
          durationMs: parallel,
          startupMs: 30,
          gapMs: 0.2,
        }),
        { cpuMs: 3890, rssMb: 96, spread: 0.04, startupMs: 30 },
        base.wallMs.median,
      ),
      strategy(
        'processes',
        2,
        simulate({
          inputs: 20,
          slots: 2,
          workerOf: (s) => s + 3,
          durationMs: parallel,
          startupMs: 85,
          gapMs: 0.5,
        }),
        { cpuMs: 4010, rssMb: 134, spread: 0.05, startupMs: 85 },
        base.wallMs.median,
      ),
    ],
    verdict: {
      kind: 'cpu-bound',
      strategy: 'threads',
      concurrency: 2,
      reasons: [
        'CPU time was 99 % of wall time per task: the event loop was busy, not waiting.',
        'Efficiency at 2 threads was 94 %; this machine has 2 cores, so more threads cannot help.',
        'Inputs and outputs are small numbers, so processes gain nothing over threads and start 55 ms slower.',
      ],
    },
    summary: ['threads ran 1.93 × faster than sequential.', 'async ran no faster: its tasks never wait.'],
    warnings: ['Another program used 38 % of a core during the runs: figures may be noisy.'],
  };
}

/**
 * A large job for the page's speed: 100,000 inputs of a mixed task (a quarter of a ms of CPU, a third of
 * a ms of waiting). Async's timeline holds every task (64 lanes); `allTimelines` gives the other three
 * strategies theirs too, 400,000 bars in all.
 */
function largeSection(allTimelines: boolean): ReportSection {
  const rnd = random(3);
  const inputs = 100_000;
  const cost = Float64Array.from({ length: inputs }, () => 0.45 + rnd() * 0.3 + (rnd() < 0.0005 ? 25 : 0));
  const duration = (i: number): number => cost[i] ?? 0.6;
  // Under async the CPU parts queue on the one event loop: each task waits for the others' turns.
  const crowded = (i: number): number => duration(i) * 40 * (0.8 + rnd() * 0.4);
  const seq = simulate({ inputs, slots: 1, workerOf: () => 0, durationMs: duration, gapMs: 0.004 });
  const base = strategy('sequential', 1, seq, { cpuMs: 25_500, rssMb: 88, spread: 0.01 });
  const baseMs = base.wallMs.median;
  const keep = (s: ReportStrategy): ReportStrategy => (allTimelines ? s : { ...s, timeline: [] });
  return {
    title: 'Your task: 100,000 inputs',
    task: HOSTILE_TASK,
    inputs,
    strategies: [
      keep(base),
      strategy(
        'async',
        64,
        simulate({ inputs, slots: 64, workerOf: () => 0, durationMs: crowded }),
        { cpuMs: 26_100, rssMb: 120, spread: 0.04 },
        baseMs,
      ),
      keep(
        strategy(
          'threads',
          2,
          simulate({
            inputs,
            slots: 2,
            workerOf: (s) => s + 1,
            durationMs: duration,
            startupMs: 30,
            gapMs: 0.02,
          }),
          { cpuMs: 26_800, rssMb: 140, spread: 0.03, startupMs: 30 },
          baseMs,
        ),
      ),
      keep(
        strategy(
          'processes',
          2,
          simulate({
            inputs,
            slots: 2,
            workerOf: (s) => s + 1,
            durationMs: duration,
            startupMs: 90,
            gapMs: 0.05,
          }),
          { cpuMs: 28_300, rssMb: 190, spread: 0.03, startupMs: 90, failed: 3 },
          baseMs,
        ),
      ),
    ],
    verdict: {
      kind: 'mixed',
      strategy: 'threads',
      concurrency: 2,
      reasons: [
        'CPU was 42 % of wall time per task: it both computes and waits.',
        'threads measured fastest (2 workers); async at 64 in flight was held back by the CPU half of each task.',
      ],
    },
    summary: ['threads ran 1.96 × faster than sequential.'],
    warnings: ['3 inputs failed under processes: see the NDJSON error records.'],
  };
}

/** Realistic report data: the seed's two jobs and a large one, on a 2-core machine. */
export function syntheticReport(options: { allLargeTimelines?: boolean } = {}): ReportData {
  return {
    title: 'fanout report: sequential, async, threads and processes compared',
    generatedAt: new Date(EPOCH).toISOString(),
    machine: {
      cores: 2,
      memoryBytes: 7.75 * 1024 ** 3,
      cpuModel: 'Intel(R) Xeon(R) CPU @ 2.20GHz',
      node: 'v20.19.0',
      platform: 'linux x64',
    },
    sections: [ioSection(), cpuSection(), largeSection(options.allLargeTimelines ?? true)],
  };
}
