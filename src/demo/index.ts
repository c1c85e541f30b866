/**
 * The seed chapter, live: its I/O job (GET one page 80 times) and its CPU job (sum of squares of the
 * 20 numbers from 5,000,000) under all four strategies, against an embedded loopback server; then the
 * job the seed leaves out, which waits and computes, under the four and the hybrid.
 */
import { availableParallelism } from 'node:os';
import { formatCount } from '../core/units.js';
import { compareStrategies } from '../measure/compare.js';
import type { Comparison, ProgressEvent } from '../measure/types.js';
import { DEFAULT_BODY_BYTES, DEFAULT_HASH_ROUNDS, startServer, WORKLOADS } from '../workloads/index.js';
import sumOfSquares from '../workloads/sum-of-squares.js';
import {
  type BusyShare,
  calibrateRounds,
  inFlightFor,
  MIXED_CPU_TARGET_MS,
  measureBusyShare,
} from './mixed.js';

/** The seed's I/O job: one page, fetched 80 times. */
export const SEED_DOWNLOADS = 80;
/** A realistic round trip to a web server; the seed's pages came from the internet. */
export const DEFAULT_DELAY_MS = 50;
/** The seed's ThreadPoolExecutor(max_workers=5). */
export const SEED_THREADS = 5;
/** The seed's CPU job: sum(i*i for i in range(n)) for the 20 numbers from 5,000,000. */
export const SEED_SIZES: readonly number[] = Array.from({ length: 20 }, (_, i) => 5_000_000 + i);
/** The seed's sizes finish in well under a second in JavaScript: scale them until sequential takes this. */
export const CPU_TARGET_MS = 2500;
/**
 * The demo's own defaults: two measured runs, no warm-up (a one-off job pays start-up). The seed's two
 * jobs took about 30 s on 2 cores; with the mixed job, 88 s on a 2-core VM with other work running.
 */
export const DEMO_RUNS = 2;
export const DEMO_WARMUP = 0;

export type DemoStage = 'io' | 'cpu' | 'mixed';

/** How the mixed job was sized, and how the hybrid's tasks in flight per worker were chosen. */
export interface MixedSetup {
  /** SHA-256 rounds per task: calibrated to about MIXED_CPU_TARGET_MS of CPU, or the workload's default. */
  rounds: number;
  /** Whether `rounds` was calibrated on this machine (false with `seedSizes`: the workload's default). */
  calibrated: boolean;
  /** One task in flight, measured before the comparison: its CPU share of its wall time. */
  busy: BusyShare;
  /** The hybrid's workers (one per core) and tasks in flight per worker, ⌈2 ÷ busy share⌉. */
  workers: number;
  inFlight: number;
}

export interface DemoOptions {
  /** Run the seed's exact numbers instead of scaling them. */
  seedSizes?: boolean;
  runs?: number;
  warmup?: number;
  delayMs?: number;
  onStage?: (stage: DemoStage, label: string) => void;
  onProgress?: (event: ProgressEvent) => void;
}

export interface DemoResult {
  io: Comparison;
  cpu: Comparison;
  /** The job that waits and computes, under the four models and the hybrid. */
  mixed: Comparison;
  mixedSetup: MixedSetup;
  /** How the CPU job's sizes were scaled: the factor, and what one pass over the seed's sizes took. */
  scale: { factor: number; seedPassMs: number };
  sizes: number[];
  server: { delayMs: number; bodyBytes: number; requests: number; connections: number };
}

/** One sequential pass over the seed's sizes on this machine, and the factor that brings it to the target. */
export function calibrate(): { factor: number; seedPassMs: number } {
  sumOfSquares(SEED_SIZES[0]!); // let the JIT see it once
  const start = performance.now();
  for (const n of SEED_SIZES) sumOfSquares(n);
  const seedPassMs = performance.now() - start;
  return { factor: Math.max(1, Math.round(CPU_TARGET_MS / Math.max(seedPassMs, 1))), seedPassMs };
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const runs = options.runs ?? DEMO_RUNS;
  const warmup = options.warmup ?? DEMO_WARMUP;
  const delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
  const cores = availableParallelism();

  const server = await startServer({ delay: delayMs });
  try {
    const label = `I/O-bound: ${SEED_DOWNLOADS} downloads of a ${DEFAULT_BODY_BYTES}-byte page, ${delayMs} ms each`;
    options.onStage?.('io', label);
    const io = await compareStrategies({
      task: WORKLOADS.download,
      inputs: Array.from({ length: SEED_DOWNLOADS }, () => server.url),
      label,
      // As the seed: every request in flight at once under asyncio, 5 threads, one process per core.
      concurrency: { async: SEED_DOWNLOADS, threads: SEED_THREADS, processes: cores },
      runs,
      warmup,
      onProgress: options.onProgress,
    });
    // What the I/O job alone asked of the server; the mixed job's requests come later.
    const served = server.stats();
    const { cpu, scale, sizes } = await runCpu(runs, warmup, options);
    const mixed = await runMixed(server.url, delayMs, cores, runs, warmup, options);
    return {
      io,
      cpu,
      mixed: mixed.comparison,
      mixedSetup: mixed.setup,
      scale,
      sizes,
      server: {
        delayMs,
        bodyBytes: DEFAULT_BODY_BYTES,
        requests: served.requests,
        connections: served.connections,
      },
    };
  } finally {
    await server.close();
  }
}

/** The seed's CPU job, its sizes scaled so that sequential takes about CPU_TARGET_MS (unless `seedSizes`). */
async function runCpu(
  runs: number,
  warmup: number,
  options: DemoOptions,
): Promise<Pick<DemoResult, 'cpu' | 'scale' | 'sizes'>> {
  const scale = options.seedSizes ? { factor: 1, seedPassMs: Number.NaN } : calibrate();
  const sizes = SEED_SIZES.map((n) => n * scale.factor);
  const label =
    scale.factor === 1
      ? `CPU-bound: sum of squares below each of the seed's ${sizes.length} numbers from ${formatCount(sizes[0] ?? 0)}`
      : `CPU-bound: sum of squares below ${sizes.length} numbers from ${formatCount(sizes[0] ?? 0)} (the seed's × ${scale.factor})`;
  options.onStage?.('cpu', label);
  const cpu = await compareStrategies({
    task: WORKLOADS['sum-of-squares'],
    inputs: sizes,
    label,
    runs,
    warmup,
    onProgress: options.onProgress,
  });
  return { cpu, scale, sizes };
}

/** The seed's page, as the server sends it: what each task of the mixed job hashes. */
async function pageBody(url: string): Promise<Buffer> {
  const response = await fetch(url);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * The mixed job: the I/O job's 80 GETs, each followed by SHA-256 rounds over the body, under the four
 * models and the hybrid, threads with one worker per core and ⌈2 ÷ busy share⌉ tasks in flight each.
 */
async function runMixed(
  url: string,
  delayMs: number,
  cores: number,
  runs: number,
  warmup: number,
  options: DemoOptions,
): Promise<{ comparison: Comparison; setup: MixedSetup }> {
  const calibrated = !options.seedSizes;
  const rounds = calibrated ? calibrateRounds(await pageBody(url)).rounds : DEFAULT_HASH_ROUNDS;
  const busy = await measureBusyShare(url, rounds);
  const inFlight = inFlightFor(busy.share);
  const setup: MixedSetup = { rounds, calibrated, busy, workers: cores, inFlight };
  const label =
    `Mixed: ${SEED_DOWNLOADS} downloads of the ${DEFAULT_BODY_BYTES}-byte page, ${delayMs} ms each, ` +
    `then ${formatCount(rounds)} SHA-256 rounds over each body` +
    (calibrated ? ` (about ${MIXED_CPU_TARGET_MS} ms of CPU here)` : '');
  options.onStage?.('mixed', label);
  const comparison = await compareStrategies({
    task: WORKLOADS['fetch-and-hash'],
    inputs: Array.from({ length: SEED_DOWNLOADS }, () => url),
    label,
    configurations: [
      { strategy: 'sequential' },
      // As in the I/O job: every request in flight at once on the one thread.
      { strategy: 'async', concurrency: SEED_DOWNLOADS },
      { strategy: 'threads', concurrency: cores },
      { strategy: 'processes', concurrency: cores },
      { strategy: 'threads', concurrency: cores, inFlight },
    ],
    taskOptions: { rounds },
    runs,
    warmup,
    onProgress: options.onProgress,
  });
  return { comparison, setup };
}
