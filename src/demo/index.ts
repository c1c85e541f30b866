/**
 * The seed chapter, live: its I/O job (GET one page 80 times) and its CPU job (sum of squares of the
 * 20 numbers from 5,000,000) under all four strategies, against an embedded loopback server.
 */
import { availableParallelism } from 'node:os';
import { compareStrategies } from '../measure/compare.js';
import type { Comparison, ProgressEvent } from '../measure/types.js';
import { DEFAULT_BODY_BYTES, startServer, WORKLOADS } from '../workloads/index.js';
import sumOfSquares from '../workloads/sum-of-squares.js';

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
/** The demo's own defaults: two measured runs, no warm-up (a one-off job pays start-up), about 30 s on 2 cores. */
export const DEMO_RUNS = 2;
export const DEMO_WARMUP = 0;

export interface DemoOptions {
  /** Run the seed's exact numbers instead of scaling them. */
  seedSizes?: boolean;
  runs?: number;
  warmup?: number;
  delayMs?: number;
  onStage?: (stage: 'io' | 'cpu', label: string) => void;
  onProgress?: (event: ProgressEvent) => void;
}

export interface DemoResult {
  io: Comparison;
  cpu: Comparison;
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
  let io: Comparison;
  try {
    const label = `I/O-bound: ${SEED_DOWNLOADS} downloads of a ${DEFAULT_BODY_BYTES}-byte page, ${delayMs} ms each`;
    options.onStage?.('io', label);
    io = await compareStrategies({
      task: WORKLOADS.download,
      inputs: Array.from({ length: SEED_DOWNLOADS }, () => server.url),
      label,
      // As the seed: every request in flight at once under asyncio, 5 threads, one process per core.
      concurrency: { async: SEED_DOWNLOADS, threads: SEED_THREADS, processes: cores },
      runs,
      warmup,
      onProgress: options.onProgress,
    });
  } finally {
    await server.close();
  }
  const served = server.stats();

  const scale = options.seedSizes ? { factor: 1, seedPassMs: Number.NaN } : calibrate();
  const sizes = SEED_SIZES.map((n) => n * scale.factor);
  const label =
    scale.factor === 1
      ? `CPU-bound: sum of squares below each of the seed's ${sizes.length} numbers from ${sizes[0]}`
      : `CPU-bound: sum of squares below ${sizes.length} numbers from ${sizes[0]} (the seed's × ${scale.factor})`;
  options.onStage?.('cpu', label);
  const cpu = await compareStrategies({
    task: WORKLOADS['sum-of-squares'],
    inputs: sizes,
    label,
    runs,
    warmup,
    onProgress: options.onProgress,
  });
  return {
    io,
    cpu,
    scale,
    sizes,
    server: {
      delayMs,
      bodyBytes: DEFAULT_BODY_BYTES,
      requests: served.requests,
      connections: served.connections,
    },
  };
}
