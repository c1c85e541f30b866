/**
 * The sequential sample: the task run on the first inputs, one at a time, in this process, with its
 * CPU time (the process's; this thread's alone once workers start beside it), wall time and event-loop
 * busy time (`eventLoopUtilization`) per task, over its steady state.
 */

import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { cpuMs, threadCpuMs } from '../core/clock.js';
import { SetupError, TaskLoadError } from '../core/errors.js';
import { createExecutor } from '../executor/executor.js';
import { mean, quantile, share } from '../measure/stats.js';
import type { SampleBank } from './bank.js';
import type { Beside } from './beside.js';
import type { TaskRef } from './task-ref.js';
import {
  SAMPLE_MAX_TASKS,
  SAMPLE_MIN_SPAN_MS,
  SAMPLE_MIN_TASKS,
  SAMPLE_MIN_TASKS_WAITING,
  SAMPLE_WAITING_SHARE,
} from './thresholds.js';
import type { SampleFigures } from './types.js';

export interface SampleRun {
  figures: SampleFigures;
  /** The inputs that succeeded and their outputs, for the message figures. */
  inputs: unknown[];
  outputs: unknown[];
}

/** The clocks at one moment, to take differences of. */
interface Mark {
  wall: number;
  /** The process's CPU time, in ms: the task's own, with what it hands to libuv's pool (crypto, zlib, fs). */
  cpu: number;
  /** This thread's alone, in ms: read instead once workers start beside the sample (beside.ts). */
  threadCpu: number;
  elu: EventLoopUtilization;
}

const mark = (): Mark => ({
  elu: performance.eventLoopUtilization(),
  cpu: cpuMs(process.cpuUsage()),
  threadCpu: threadCpuMs(),
  wall: performance.now(),
});

/** How long the sample may run, given the mean task time so far. */
export interface SampleLimits {
  /** Stop after this long, once SAMPLE_MIN_TASKS were measured… */
  targetMs: number;
  /** …and after this long in any case, once one was. */
  maxMs: number;
}

/**
 * Where the shares are measured from: clocks are read before tasks 1, 2, 4, 8, … (cheap, so that
 * reading them does not weigh on tiny tasks), and the shares are taken from the latest of those marks
 * that still leaves at least half the run after it. The first tasks of a run pay for compiling the
 * task's code (the JIT, on other threads too) and warming caches: the steady state is what the job
 * will see.
 */
const isMarkPoint = (i: number): boolean => i >= 1 && (i & (i - 1)) === 0;

/**
 * Runs inputs until its limits say stop, or SAMPLE_MAX_TASKS ran, or the inputs ran out; but until
 * the run spans SAMPLE_MIN_SPAN_MS at least, going round the inputs again if need be, so that one
 * hiccup of the machine cannot outweigh a sample of tiny tasks. The shares and the mean task time are
 * taken over the steady state (see `isMarkPoint`).
 *
 * With a `bank` (under `auto`), the inputs are its fresh ones, and each first run's result is kept
 * as the job's. With `beside`, at each mark the figures so far may start the job's workers beside the
 * sample; once they are, the sample yields the event loop between tasks so that their start-up messages
 * are handled as they come.
 */
export async function runSample(
  ref: TaskRef,
  inputs: readonly unknown[],
  limits: (meanWallMs: number) => SampleLimits,
  bank?: SampleBank,
  beside?: Beside,
): Promise<SampleRun> {
  const executor = createExecutor({ ...ref, strategy: 'sequential' });
  const walls: number[] = [];
  const okInputs: unknown[] = [];
  const outputs: unknown[] = [];
  /** Marks before tasks 1, 2, 4, …, with the number of walls measured before each. */
  const marks: { at: number; walls: number; mark: Mark }[] = [];
  let firstMs: number | undefined;
  let failed = 0;
  let tried = 0;
  let firstError: Error | undefined;
  const start = mark();
  let to: Mark;
  const started = start.wall;
  let wallSum = 0;
  const spanMs = (): number => (marks.length > 0 ? performance.now() - marks[0]!.mark.wall : 0);
  try {
    for (let i = 0; ; i++) {
      // Past the last input, go round again while the span is too short to measure (tiny tasks).
      if (i >= inputs.length && (okInputs.length === 0 || spanMs() >= SAMPLE_MIN_SPAN_MS)) break;
      if (walls.length > 0) {
        const elapsed = performance.now() - started;
        const { targetMs, maxMs } = limits(wallSum / walls.length);
        if ((walls.length >= SAMPLE_MIN_TASKS && elapsed >= targetMs) || elapsed >= maxMs) break;
        // Compiling the task's code only adds to the busy share: one already this low is a waiting task.
        if (
          walls.length >= SAMPLE_MIN_TASKS_WAITING &&
          walls.length < SAMPLE_MIN_TASKS &&
          spanMs() >= SAMPLE_MIN_SPAN_MS &&
          performance.eventLoopUtilization(marks[0]!.mark.elu).utilization <= SAMPLE_WAITING_SHARE
        ) {
          break;
        }
        if (walls.length >= SAMPLE_MAX_TASKS && spanMs() >= SAMPLE_MIN_SPAN_MS) break;
      }
      if (isMarkPoint(i)) {
        const at = mark();
        if (beside && walls.length > 0) {
          beside.consider({
            ran: tried,
            meanWallMs: wallSum / walls.length,
            busyShare: performance.eventLoopUtilization(at.elu, marks[0]!.mark.elu).utilization,
          });
        }
        marks.push({ at: i, walls: walls.length, mark: at });
      }
      if (beside?.started) await yieldLoop();
      const input = inputs[i % inputs.length];
      // The first pass runs fresh inputs (the bank's, in the same order): their results are the job's.
      const fresh = i < inputs.length ? i : -1;
      if (fresh >= 0) {
        bank?.nextFresh();
        tried++;
      }
      const t0 = performance.now();
      let output: unknown;
      try {
        output = await executor.run(input);
      } catch (error) {
        // A module that cannot load or a setup that throws fails every input alike: nothing to measure.
        if (error instanceof TaskLoadError || error instanceof SetupError) throw error;
        if (fresh >= 0) failed++;
        firstError ??= error as Error;
        continue;
      }
      const wall = performance.now() - t0;
      if (fresh >= 0) bank?.keep(fresh, output, wall);
      if (fresh >= 0 && okInputs.length <= SAMPLE_MAX_TASKS) {
        okInputs.push(input);
        outputs.push(output);
      }
      if (i === 0) firstMs = wall;
      else {
        walls.push(wall);
        wallSum += wall;
      }
    }
    to = mark();
  } finally {
    await executor.close();
  }
  if (okInputs.length === 0) throw firstError ?? new Error('no inputs to sample');
  let from: Mark;
  let steady: number[];
  if (walls.length === 0) {
    // A single input: its own figures are all there is, loading included.
    walls.push(firstMs ?? 0);
    steady = walls;
    from = start;
  } else {
    // The latest mark that leaves at least half of the measured tasks after it.
    const half = marks.filter((m) => m.walls <= walls.length / 2).at(-1) ?? marks[0]!;
    steady = walls.slice(half.walls);
    from = half.mark;
  }
  const wall = to.wall - from.wall;
  // Workers started beside the sample load and compile on threads of this process: their CPU is not the
  // task's, so then only this thread's counts. That leaves out the libuv pool's work, but beside.ts
  // starts workers only for a loop kept busy, where the task computes on the loop itself.
  const cpu = beside?.started ? to.threadCpu - from.threadCpu : to.cpu - from.cpu;
  const busy = performance.eventLoopUtilization(to.elu, from.elu).active;
  return {
    figures: { ...figures(walls, steady, failed, firstMs ?? mean(walls), wall, cpu, busy), tried },
    inputs: okInputs,
    outputs,
  };
}

function figures(
  walls: readonly number[],
  steady: readonly number[],
  failed: number,
  firstTaskMs: number,
  totalWall: number,
  totalCpu: number,
  totalBusy: number,
): Omit<SampleFigures, 'tried'> {
  const tasks = walls.length;
  const wallMs = mean(steady);
  const cpuShare = share(totalCpu, totalWall);
  const busyShare = Math.min(1, share(totalBusy, totalWall));
  return {
    tasks,
    failed,
    firstTaskMs,
    wallMs,
    // Per task, the shares of the mean: the time between tasks is spread over them.
    cpuMs: wallMs * cpuShare,
    busyMs: wallMs * busyShare,
    cpuShare,
    busyShare,
    p50Ms: quantile(walls, 0.5),
    p95Ms: quantile(walls, 0.95),
  };
}
