/**
 * One probe: the task under one strategy at one concurrency. A warm-up round starts the workers and
 * opens whatever `setup` opens; then a measured `map` over `tasks` inputs gives the throughput, and
 * the executor's timeline gives each task's time in its worker.
 *
 * Under `auto`, workers come from the bank (`SampleBank.borrow`): the warm ones of the same
 * configuration where it holds them (no start-up to pay again), else new ones with the job's own
 * options; after the probe they go back to the bank, warm, for the job to adopt if chosen. Warm
 * workers with tasks in flight run warm-up and measured tasks as one stream (see below).
 */

import { availableParallelism } from 'node:os';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { cpuMs } from '../core/clock.js';
import type { StrategyName } from '../core/options.js';
import type { Settled, WorkerUsage } from '../core/types.js';
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
    interface Mark {
      before: number;
      children: WorkerUsage | undefined;
      cpu: NodeJS.CpuUsage;
      loop: EventLoopUtilization;
      start: number;
    }
    const mark = async (): Promise<Mark> => ({
      before: executor.timeline().length,
      children: strategy === 'processes' ? await executor.usage() : undefined,
      cpu: process.cpuUsage(),
      loop: performance.eventLoopUtilization(),
      start: performance.now(),
    });
    let from: Mark;
    let outcomes: Settled<unknown>[];
    if (borrowed?.warm && inFlight > 1) {
      // Warm workers with tasks in flight: one stream, measured from the moment `slots` tasks have
      // ended (the loops full, the code compiled) to the last. A warm-up round of its own would wait
      // for its first replies with the cores idle, and again for its last with the loops emptying.
      const drawn = draw(slots + tasks, 0);
      const measured: Settled<unknown>[] = [];
      const all: Settled<unknown>[] = [];
      let marked: Mark | undefined;
      for await (const outcome of executor.stream(drawn.inputs, { settle: true })) {
        all.push(outcome);
        if (marked) measured.push(outcome);
        else if (all.length === slots) marked = await mark();
      }
      keep(drawn, all);
      from = marked!;
      outcomes = measured;
    } else {
      const warm = draw(slots, 0);
      keep(warm, await executor.map(warm.inputs, { settle: true }));
      const drawn = draw(tasks, slots);
      from = await mark();
      outcomes = await executor.map(drawn.inputs, { settle: true });
      keep(drawn, outcomes);
    }
    const { before, children, cpu, loop, start } = from;
    const wallMs = performance.now() - start;
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
