/**
 * One run: a fresh executor maps every input under one strategy while the clocks, the CPU counters and
 * the memory sampler watch. The executor is created and closed inside the run, so every run pays the
 * workers' start-up, as a one-off job does.
 */

import { now } from '../core/clock.js';
import type { ExecutorOptions } from '../core/options.js';
import type { Settled, WorkerUsage } from '../core/types.js';
import { createExecutor, type Executor } from '../executor/executor.js';
import { limitFigures } from './limit.js';
import { type RssPeak, startRssSampler } from './memory.js';
import { countFailed } from './outcomes.js';
import type { RunLimit, RunMeasurement } from './types.js';

/** How often a running map reports how many inputs are done. */
export const PROGRESS_INTERVAL_MS = 100;

const US_PER_MS = 1000;

export interface MeasureRunOptions {
  executor: ExecutorOptions;
  inputs: readonly unknown[];
  run: number;
  warmup: boolean;
  /** Called every PROGRESS_INTERVAL_MS with the inputs done so far (while the event loop is free). */
  onProgress?: (done: number) => void;
}

export interface RunResult {
  measurement: RunMeasurement;
  /** The executor's concurrency: what was asked for, or the strategy's default. */
  concurrency: number;
  outcomes: Settled<unknown>[];
}

/** Fans the done count out while the map runs: the timeline grows by one entry per finished task. */
function watchProgress(executor: Executor, onProgress: ((done: number) => void) | undefined): () => void {
  if (!onProgress) return () => {};
  let last = -1;
  const timer = setInterval(() => {
    const done = executor.timeline().length;
    if (done === last) return;
    last = done;
    onProgress(done);
  }, PROGRESS_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Under an adaptive limit, what it did up to the run's last result: its figures (the range the executor
 * kept, which sees every change, even two within one history point) and its series.
 */
function limitOf(executor: Executor, end: number): RunLimit | undefined {
  if (executor.adaptive === undefined) return undefined;
  const figures = limitFigures(executor.concurrencyHistory(), end);
  if (figures === undefined) return undefined;
  return { ...figures, ...executor.concurrencyRange(), series: executor.concurrencySeries() };
}

/** Measures one run. Every input ends as a settled outcome; errors are counted, never thrown. */
export async function measureRun(options: MeasureRunOptions): Promise<RunResult> {
  const executor = createExecutor({ ...options.executor, timeline: true });
  let closed = false;
  try {
    const sampler = startRssSampler();
    const stopProgress = watchProgress(executor, options.onProgress);
    const cpuBefore = process.cpuUsage();
    const startedAt = now();
    const t0 = performance.now();
    let outcomes: Settled<unknown>[];
    let usage: WorkerUsage;
    let wallMs: number;
    let rss: RssPeak | undefined;
    try {
      outcomes = await executor.map(options.inputs, { settle: true });
      wallMs = performance.now() - t0;
      // Before close: the children answer with their CPU and RSS while they are still alive.
      usage = await executor.usage();
      rss = sampler.stop(usage.childRss);
    } finally {
      stopProgress();
      rss ??= sampler.stop(0);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const c0 = performance.now();
    closed = true;
    await executor.close();
    const closeMs = performance.now() - c0;
    const timeline = executor.timeline();
    const limit = limitOf(executor, startedAt + wallMs);
    let firstStart = Number.POSITIVE_INFINITY;
    for (const entry of timeline) if (entry.start < firstStart) firstStart = entry.start;
    const cpuUserMs = (cpu.user + usage.childCpuUser) / US_PER_MS;
    const cpuSystemMs = (cpu.system + usage.childCpuSystem) / US_PER_MS;
    return {
      outcomes,
      concurrency: executor.concurrency,
      measurement: {
        run: options.run,
        warmup: options.warmup,
        startedAt,
        wallMs,
        // Clamped: each worker reads the epoch clock itself, so a few µs of skew must not go negative.
        startupMs: Number.isFinite(firstStart)
          ? Math.min(wallMs, Math.max(0, firstStart - startedAt))
          : wallMs,
        closeMs,
        cpuMs: cpuUserMs + cpuSystemMs,
        cpuUserMs,
        cpuSystemMs,
        childCpuMs: (usage.childCpuUser + usage.childCpuSystem) / US_PER_MS,
        peakRss: rss.peak,
        baselineRss: rss.baseline,
        rssMethod: rss.method,
        throughput: wallMs > 0 ? (options.inputs.length * 1000) / wallMs : 0,
        failed: countFailed(outcomes),
        workersStarted: usage.workersStarted,
        timeline,
        ...(limit === undefined ? {} : { limit }),
      },
    };
  } finally {
    if (!closed) await executor.close();
  }
}
