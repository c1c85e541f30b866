/**
 * One probe: the task under one strategy at one concurrency. A warm-up round starts the workers and
 * opens whatever `setup` opens; then a measured `map` over `tasks` inputs gives the throughput, and
 * the executor's timeline gives each task's time in its worker.
 *
 * Under `auto`, workers come from the bank (`SampleBank.borrow`): the warm ones of the same
 * configuration where it holds them (no start-up to pay again), else new ones with the job's own
 * options; after the probe they go back to the bank, warm, for the job to adopt if chosen.
 */

import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuMs } from '../core/clock.js';
import type { StrategyName } from '../core/options.js';
import type { Settled } from '../core/types.js';
import { createExecutor } from '../executor/executor.js';
import { quantile } from '../measure/stats.js';
import type { Draw, SampleBank } from './bank.js';
import { cycle, type TaskRef } from './task-ref.js';
import type { Probe } from './types.js';

export interface ProbeSpec {
  strategy: StrategyName;
  concurrency: number;
  /** Tasks in flight per worker (threads and processes). */
  inFlight?: number;
  /** Inputs to run in the measured part (taken round and round from `inputs`). */
  tasks: number;
  inputs: readonly unknown[];
  /** The sequential sample's throughput, for the speed-up. */
  sequentialTasksPerSecond: number;
  /** Under `auto`: fresh inputs are drawn from it first, and their results kept as the job's. */
  bank?: SampleBank;
}

export async function runProbe(ref: TaskRef, spec: ProbeSpec): Promise<Probe> {
  const { strategy, concurrency, tasks, inputs } = spec;
  const inFlight = spec.inFlight ?? 1;
  const inProcess = strategy === 'sequential' || strategy === 'async';
  const config = { strategy, concurrency, inFlight };
  const borrowed = inProcess ? undefined : spec.bank?.borrow(config);
  const executor =
    borrowed?.executor ??
    createExecutor({
      ...ref,
      strategy,
      concurrency: strategy === 'sequential' ? 1 : concurrency,
      ...(inFlight > 1 ? { inFlight } : {}),
      timeline: true,
    });
  let handBack = false;
  try {
    const slots = concurrency * inFlight;
    const { bank } = spec;
    const draw = (count: number, from: number): Draw =>
      bank ? bank.draw(count, inputs) : { inputs: cycle(inputs, count, from), fresh: [] };
    const keep = (drawn: Draw, outcomes: readonly Settled<unknown>[]): void => {
      if (!bank) return;
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') bank.keep(drawn.fresh[outcome.index] ?? -1, outcome.value);
      }
    };
    const warm = draw(slots, 0);
    keep(warm, await executor.map(warm.inputs, { settle: true }));
    const drawn = draw(tasks, slots);
    const batch = drawn.inputs;
    const before = executor.timeline().length;
    const children = strategy === 'processes' ? await executor.usage() : undefined;
    const cpu = process.cpuUsage();
    const loop = performance.eventLoopUtilization();
    const start = performance.now();
    const outcomes = await executor.map(batch, { settle: true });
    const wallMs = performance.now() - start;
    keep(drawn, outcomes);
    const loopUsed = performance.eventLoopUtilization(loop).utilization;
    let probeCpu = cpuMs(process.cpuUsage(cpu));
    if (children) {
      const after = await executor.usage();
      probeCpu +=
        (after.childCpuUser - children.childCpuUser + after.childCpuSystem - children.childCpuSystem) / 1000;
    }
    const durations = executor
      .timeline()
      .slice(before)
      .map((entry) => entry.end - entry.start);
    const tasksPerSecond = (tasks / wallMs) * 1000;
    // Workers' loops: the CPU each used over the wall time (the main thread's share is small and counted in).
    const workerLoops = Math.min(concurrency, availableParallelism());
    const failed = outcomes.filter((o) => o.status === 'rejected').length;
    // Workers that failed none of the probe's tasks stay warm for the job.
    handBack = borrowed !== undefined && failed === 0;
    return {
      strategy,
      concurrency,
      inFlight,
      tasks,
      failed,
      wallMs,
      cpuMs: probeCpu,
      tasksPerSecond,
      p50Ms: quantile(durations, 0.5),
      p95Ms: quantile(durations, 0.95),
      speedup: spec.sequentialTasksPerSecond > 0 ? tasksPerSecond / spec.sequentialTasksPerSecond : 0,
      loopShare: inProcess ? loopUsed : Math.min(1, probeCpu / (wallMs * workerLoops)),
    };
  } finally {
    if (handBack) await spec.bank!.hold(executor, config);
    else await executor.close();
  }
}
