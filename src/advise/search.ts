/**
 * The search: probes the planned levels in order, each sized to the budget left, stopping a
 * strategy's levels at the knee and every probe when the budget runs out.
 */

import { performance } from 'node:perf_hooks';
import type { StrategyName } from '../core/options.js';
import { formatLongDuration, formatPercent } from '../core/units.js';
import { startupMs } from './choose.js';
import { overlapBound } from './classify.js';
import { kneeReached, type Plan } from './levels.js';
import { runProbe } from './probe.js';
import { measureStartup } from './startup.js';
import type { TaskRef } from './task-ref.js';
import { LOOP_SATURATED_SHARE, PROBE_MAX_TASKS, PROBE_MIN_ROUNDS, PROBE_TARGET_MS } from './thresholds.js';
import type { Probe, SampleFigures, StartupFigures } from './types.js';
import type { Repeat } from './warnings.js';

export interface SearchContext {
  ref: TaskRef;
  plan: Plan;
  inputs: readonly unknown[];
  sample: SampleFigures;
  /** The sequential sample as a probe: async's level 1 in the search for the knee. */
  baseline: Probe;
  /** Filled in here when a worker's start-up was not measured yet. */
  startup: StartupFigures;
  cores: number;
  /** `performance.now()` by which to be done. */
  deadline: number;
  onProgress: (message: string) => void;
}

export interface SearchResult {
  /**
   * Sequential, probed with `map` like every other model, when the budget allowed: the fair baseline
   * (the sample awaits each task and reads clocks around it, which weighs on tiny tasks).
   */
  sequential?: Probe;
  probes: Probe[];
  /** Probes past a knee (queueing or failing): charted, never recommended. */
  pastKnee: Probe[];
  /** Knees found, strategies skipped and why, in plain words. */
  notes: string[];
  /** Levels measured twice, with both throughputs. */
  repeats: Repeat[];
}

/** Tasks per ms the strategy should reach at this level: for sizing probes only, never for a verdict. */
function expectedRate(
  strategy: StrategyName,
  concurrency: number,
  context: SearchContext,
  inFlight = 1,
): number {
  const perTask = Math.max(context.sample.wallMs, 1e-4);
  const overlap = overlapBound(context.sample.busyShare);
  const parallel =
    strategy === 'async'
      ? Math.min(concurrency, overlap)
      : Math.min(concurrency, context.cores) * Math.max(1, Math.min(overlap, inFlight));
  return Math.max(1, parallel) / perTask;
}

/** How many tasks a probe runs, and how long it should take, given the budget left; null if it cannot fit. */
export function sizeProbe(
  strategy: StrategyName,
  concurrency: number,
  probesLeft: number,
  context: SearchContext,
  inFlight = 1,
): { tasks: number; estimatedMs: number } | null {
  const remaining = context.deadline - performance.now();
  const rate = expectedRate(strategy, concurrency, context, inFlight);
  const fixed = startupMs(strategy, concurrency, context.startup, context.cores) ?? 0;
  const warmup = (concurrency * inFlight) / rate;
  const share = remaining / Math.max(1, probesLeft);
  const target = Math.min(PROBE_TARGET_MS, share - fixed - warmup);
  // Sized by time, not by the job: a probe measures the rate, and the job's size only scales it.
  const fewest = concurrency * inFlight * PROBE_MIN_ROUNDS;
  const tasks = Math.min(Math.max(PROBE_MAX_TASKS, fewest), Math.max(fewest, Math.round(target * rate)));
  const estimatedMs = fixed + warmup + tasks / rate;
  return estimatedMs <= remaining ? { tasks, estimatedMs } : null;
}

async function ensureStartup(
  strategy: 'threads' | 'processes',
  context: SearchContext,
): Promise<string | null> {
  const key = strategy === 'threads' ? 'threadsMs' : 'processesMs';
  if (context.startup[key] !== null) return null;
  context.onProgress(
    `timing the start-up of ${strategy === 'threads' ? 'a worker thread' : 'a child process'}`,
  );
  const result = await measureStartup(context.ref, strategy, context.inputs[0], context.sample.wallMs);
  context.startup[key] = result.ms;
  return result.ms === null ? `${strategy}: not probed, the first task failed: ${result.error}` : null;
}

export async function search(context: SearchContext): Promise<SearchResult> {
  const { plan } = context;
  const probes: Probe[] = [];
  const notes: string[] = [];
  const pastKnee: Probe[] = [];
  const repeats: Repeat[] = [];
  let probesLeft = plan.order.reduce((n, s) => n + plan[s].length, 0);
  let outOfBudget = false;
  let baseline = context.baseline;
  let sequential: Probe | undefined;
  const first = sizeProbe('sequential', 1, probesLeft + 1, context);
  if (first) {
    context.onProgress(`probing sequential (${first.tasks} tasks)`);
    sequential = await runProbe(context.ref, {
      strategy: 'sequential',
      concurrency: 1,
      tasks: first.tasks,
      inputs: context.inputs,
      sequentialTasksPerSecond: 0,
    });
    sequential.speedup = 1;
    baseline = sequential;
  }
  const sequentialTasksPerSecond = baseline.tasksPerSecond;
  for (const searched of plan.order) {
    const levels = plan[searched];
    // The hybrid is threads with tasks in flight on each worker: its levels are the tasks in flight.
    const hybrid = searched === 'hybrid';
    const strategy: 'async' | 'threads' | 'processes' = hybrid ? 'threads' : searched;
    let previous: Probe | undefined =
      searched === 'async'
        ? baseline
        : hybrid
          ? probes.find(
              (p) => p.strategy === 'threads' && p.inFlight === 1 && p.concurrency === plan.hybridWorkers,
            )
          : undefined;
    let index = 0;
    if (hybrid && plan.hybridNeedsSaturation) {
      const best = probes
        .filter((p) => p.strategy === 'async')
        .sort((a, b) => b.tasksPerSecond - a.tasksPerSecond)[0];
      if (!best || best.loopShare < LOOP_SATURATED_SHARE) {
        if (best) {
          notes.push(
            `The hybrid (workers with many tasks in flight each) was not probed: at its best level, async's one ` +
              `event loop was busy only ${formatPercent(best.loopShare)}, so one loop keeps up with this task.`,
          );
        }
        probesLeft -= levels.length;
        continue;
      }
    }
    for (; index < levels.length; index++) {
      const concurrency = hybrid ? plan.hybridWorkers : levels[index]!;
      const inFlight = hybrid ? levels[index]! : 1;
      const at = inFlight > 1 ? `${concurrency}×${inFlight}` : `${concurrency}`;
      let size = outOfBudget ? null : sizeProbe(strategy, concurrency, probesLeft, context, inFlight);
      if (size !== null && index === 0 && strategy !== 'async') {
        // Time a worker's start-up only when a probe fits even without it; then size the probe with it.
        const failed = await ensureStartup(strategy, context);
        if (failed) {
          notes.push(failed);
          break;
        }
        size = sizeProbe(strategy, concurrency, probesLeft, context, inFlight);
      }
      if (size === null) {
        if (!outOfBudget) {
          notes.push(
            `The budget ran out before ${strategy} at ${at} (${formatLongDuration(Math.max(0, context.deadline - performance.now()))} ` +
              'left): it and every later probe were skipped; a larger budget measures more.',
          );
        }
        outOfBudget = true;
        break;
      }
      const run = (tasks: number): Promise<Probe> => {
        context.onProgress(`probing ${strategy} at ${at} (${tasks} tasks)`);
        return runProbe(context.ref, {
          strategy,
          concurrency,
          inFlight,
          tasks,
          inputs: context.inputs,
          sequentialTasksPerSecond,
        });
      };
      let probe = await run(size.tasks);
      probesLeft--;
      const isSearched = previous !== undefined && plan.searched.includes(searched);
      let knee = isSearched ? kneeReached(previous!, probe) : null;
      const again = knee ? sizeProbe(strategy, concurrency, probesLeft + 1, context, inFlight) : null;
      if (knee && again) {
        // One noisy probe must not end the search: measure the level again and keep the faster run
        // (noise only ever slows a run down), then judge again.
        const second = await run(again.tasks);
        repeats.push({ strategy, concurrency, rates: [probe.tasksPerSecond, second.tasksPerSecond] });
        if (second.tasksPerSecond > probe.tasksPerSecond) probe = second;
        knee = kneeReached(previous!, probe, true);
      }
      probes.push(probe);
      previous = probe;
      if (knee) {
        notes.push(knee.reason);
        if (knee.excludeLast) pastKnee.push(probe);
        index++;
        break;
      }
    }
    probesLeft -= levels.length - index;
  }
  return { sequential, probes, pastKnee, notes, repeats };
}
