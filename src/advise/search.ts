/**
 * The search: probes the planned levels in order, each sized to the budget left, stopping a
 * strategy's levels at the knee and every probe when the budget runs out.
 */

import { performance } from 'node:perf_hooks';
import type { StrategyName } from '../core/options.js';
import { formatLongDuration, formatPercent, formatRate } from '../core/units.js';
import type { SampleBank } from './bank.js';
import { costRank, startupMs } from './choose.js';
import { fillShare, overlapBound } from './classify.js';
import { kneeReached, type Plan } from './levels.js';
import { runProbe } from './probe.js';
import { measureStartup } from './startup.js';
import type { TaskRef } from './task-ref.js';
import {
  AUTO_PROBE_TARGET_MS,
  LOOP_SATURATED_SHARE,
  PLATEAU_TOLERANCE,
  PROBE_MAX_TASKS,
  PROBE_MIN_ROUNDS,
  PROBE_MIN_ROUNDS_WARM,
  PROBE_TARGET_MS,
} from './thresholds.js';
import type { Probe, SampleFigures, StartupFigures } from './types.js';
import type { Repeat } from './warnings.js';
import { ceilingRate, firstUsefulLevel, probeWorth, type Worth } from './worth.js';

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
  /** Inputs in the whole job, or null when unknown: how much a faster model could save. */
  total: number | null;
  /** Under `auto`: where probes draw fresh inputs and keep their results as the job's. */
  bank?: SampleBank;
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
  const parallel =
    strategy === 'async'
      ? Math.min(concurrency, overlapBound(context.sample.busyShare))
      : Math.min(concurrency, context.cores) *
        Math.max(1, Math.min(overlapBound(fillShare(context.sample)), inFlight));
  return Math.max(1, parallel) / perTask;
}

/** A model's start-up at a level, or 0 where the bank holds its workers warm (the probe borrows them). */
function fixedMs(
  strategy: StrategyName,
  concurrency: number,
  inFlight: number,
  context: SearchContext,
): number {
  if (context.bank?.holds({ strategy, concurrency, inFlight })) return 0;
  return startupMs(strategy, concurrency, context.startup, context.cores) ?? 0;
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
  const fixed = fixedMs(strategy, concurrency, inFlight, context);
  const warmup = (concurrency * inFlight) / rate;
  const share = remaining / Math.max(1, probesLeft);
  // Under `auto` a probe need only tell the models apart, not chart them: shorter.
  const target = Math.min(context.bank ? AUTO_PROBE_TARGET_MS : PROBE_TARGET_MS, share - fixed - warmup);
  // Sized by time, not by the job: a probe measures the rate, and the job's size only scales it.
  // Warm workers with tasks in flight are measured from a full pipeline on (see `runProbe`): fewer rounds.
  const warmStream = inFlight > 1 && context.bank?.holds({ strategy, concurrency, inFlight }) === true;
  const fewest = concurrency * inFlight * (warmStream ? PROBE_MIN_ROUNDS_WARM : PROBE_MIN_ROUNDS);
  // Never more than the job has left: a probe that would outlast it has nothing left to decide.
  const left = context.total === null ? PROBE_MAX_TASKS : context.total - (context.bank?.kept.size ?? 0);
  const most = Math.max(fewest, Math.min(PROBE_MAX_TASKS, left));
  const tasks = Math.min(most, Math.max(fewest, Math.round(target * rate)));
  const estimatedMs = fixed + warmup + tasks / rate;
  return estimatedMs <= remaining ? { tasks, estimatedMs } : null;
}

const startupKey = (strategy: 'threads' | 'processes'): 'threadsMs' | 'processesMs' =>
  strategy === 'threads' ? 'threadsMs' : 'processesMs';

async function ensureStartup(
  strategy: 'threads' | 'processes',
  context: SearchContext,
): Promise<string | null> {
  const key = startupKey(strategy);
  if (context.startup[key] !== null) return null;
  context.onProgress(
    `timing the start-up of ${strategy === 'threads' ? 'a worker thread' : 'a child process'}`,
  );
  const result = await measureStartup(
    context.ref,
    strategy,
    context.inputs[0],
    context.sample.wallMs,
    context.bank,
  );
  context.startup[key] = result.ms;
  return result.ms === null ? `${strategy}: not probed, the first task failed: ${result.error}` : null;
}

/**
 * Async's levels under `auto`: from 8, quadrupling (8, 32, 128), and the top. Each probe runs the
 * job's own inputs, but the low levels run them slowly: fewer, higher steps reach the knee sooner.
 */
export function autoAsyncLevels(levels: readonly number[]): number[] {
  const top = levels.at(-1);
  if (top === undefined) return [];
  const kept = levels.filter(
    (level) => level >= AUTO_ASYNC_FROM && Math.log2(level / AUTO_ASYNC_FROM) % 2 === 0,
  );
  return kept.at(-1) === top ? kept : [...kept, top];
}

/** Where async's levels start under `auto`. */
export const AUTO_ASYNC_FROM = 8;

/** Tasks shorter than this, in ms, get a sequential probe under `auto` too (see `search`). */
export const FAIR_BASELINE_MAX_TASK_MS = 1;

/**
 * Probes that count towards the best rate: a probe whose tasks failed (where the baseline's did not)
 * ran fast by failing, and can never be chosen (`choose`), so it must not make other models look not
 * worth probing.
 */
function counted(probes: readonly Probe[], baseline: Probe): Probe[] {
  return probes.filter((p) => p.failed === 0 || baseline.failed > 0);
}

function bestRate(probes: readonly Probe[], baseline: Probe): number {
  return Math.max(baseline.tasksPerSecond, ...counted(probes, baseline).map((p) => p.tasksPerSecond));
}

/**
 * Under `auto`, the index of the hybrid's first probed level (tasks in flight per worker, ascending):
 * its top, `hybridFill` (HYBRID_FILL × what fills a loop by the sample, at most async's cap spread
 * over the workers), where the sample already shows the loops full with tasks to spare. The levels
 * below fill a loop only if the task times never vary, and on a plateau the level with the most in
 * flight wins anyway (`pickLevel`): probing them would run the job's inputs below the best rate to
 * learn what the sample says. The advisor warms its workers at that level, so that the probe borrows
 * them and the job adopts them.
 */
export function autoHybridStart(levels: readonly number[]): number {
  return Math.max(0, levels.length - 1);
}

/** Whether a probe could pay for itself (see `probeWorth`), from the figures measured so far. */
function worthProbing(
  strategy: StrategyName,
  concurrency: number,
  inFlight: number,
  size: { tasks: number; estimatedMs: number },
  probes: readonly Probe[],
  baseline: Probe,
  context: SearchContext,
): Worth & { ceiling: number; realized: number } {
  const { bank, total } = context;
  const fixed = fixedMs(strategy, concurrency, inFlight, context);
  const measured = [...counted(probes, baseline), baseline];
  const share = realized(measured, context);
  const ceiling = ceilingRate(strategy, concurrency, inFlight, context.sample, context.cores) * share;
  const leader = measured.reduce((a, b) => (b.tasksPerSecond > a.tasksPerSecond ? b : a));
  const worth = probeWorth({
    ceiling,
    expected: expectedRate(strategy, concurrency, context, inFlight) * 1000,
    best: bestRate(probes, baseline),
    remaining: total === null ? null : Math.max(0, total - (bank?.kept.size ?? 0)),
    fixedMs: fixed,
    measuredMs: Math.max(0, size.estimatedMs - fixed),
    kept: bank !== undefined && bank.freshLeft > 0,
    cheaper: costRank(strategy, inFlight) < costRank(leader.strategy, leader.inFlight),
  });
  return { ...worth, ceiling, realized: share };
}

/**
 * How close the best measured probe came to its own ceiling (at most 1), where its loops were
 * saturated: the machine (its load, the variance of task times, start-up) held it below its ceiling,
 * and holds the other models no less. Where they were not, something outside (a server) held it, and
 * a model that matches it cheaper must still be measured: 1.
 */
export function realized(probes: readonly Probe[], context: Pick<SearchContext, 'sample' | 'cores'>): number {
  const candidates = probes.filter((p) => p.failed === 0);
  const best = (candidates.length > 0 ? candidates : probes).reduce((a, b) =>
    b.tasksPerSecond > a.tasksPerSecond ? b : a,
  );
  if (best.loopShare < LOOP_SATURATED_SHARE) return 1;
  const ceiling = ceilingRate(best.strategy, best.concurrency, best.inFlight, context.sample, context.cores);
  return ceiling > 0 ? Math.min(1, best.tasksPerSecond / ceiling) : 1;
}

/** A level not probed, and why. */
interface Skipped {
  level: string;
  worth: Worth;
  /** Its ceiling, scaled by `realized`. */
  ceiling: number;
  realized: number;
}

/** Why levels were not probed, in one line, with the figures. */
function skippedNote(
  who: string,
  skipped: readonly Skipped[],
  probes: readonly Probe[],
  baseline: Probe,
): string {
  const levels = skipped.map((s) => s.level).join(', ');
  const top = skipped.reduce((a, b) => (b.ceiling > a.ceiling ? b : a));
  const best = bestRate(probes, baseline);
  const scaled =
    top.realized < 1
      ? `, scaled to the ${formatPercent(top.realized)} of its own the best measured model reached`
      : '';
  const ceiling = `at best ${formatRate(top.ceiling, 'tasks')} (its ceiling from the sample's task time and the cores${scaled})`;
  if (top.ceiling <= best * (1 + PLATEAU_TOLERANCE)) {
    return (
      `${who} at ${levels} was not probed: ${ceiling}, not more than ${formatPercent(PLATEAU_TOLERANCE)} above the ` +
      `best measured (${formatRate(best, 'tasks')}).`
    );
  }
  return (
    `${who} at ${levels} was not probed: ${ceiling}, it could save at most ${formatLongDuration(top.worth.savingMs)} ` +
    `over the inputs left, less than probing it would cost (${formatLongDuration(top.worth.costMs)}).`
  );
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
  // Under `auto` the sample's own rate serves, unless its tasks are so short that reading the clocks
  // around each weighs on them: a sequential probe runs the job at its slowest.
  const fairBaseline = context.bank === undefined || context.sample.wallMs < FAIR_BASELINE_MAX_TASK_MS;
  const first = fairBaseline ? sizeProbe('sequential', 1, probesLeft + 1, context) : null;
  if (first) {
    context.onProgress(`probing sequential (${first.tasks} tasks)`);
    sequential = await runProbe(context.ref, {
      strategy: 'sequential',
      concurrency: 1,
      tasks: first.tasks,
      inputs: context.inputs,
      sequentialTasksPerSecond: 0,
      ...(context.bank ? { bank: context.bank } : {}),
    });
    sequential.speedup = 1;
    baseline = sequential;
  }
  const sequentialTasksPerSecond = baseline.tasksPerSecond;
  for (const searched of plan.order) {
    const levels = context.bank && searched === 'async' ? autoAsyncLevels(plan.async) : plan[searched];
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
    const ceilingAt = (level: number): number =>
      hybrid
        ? ceilingRate('threads', plan.hybridWorkers, level, context.sample, context.cores)
        : ceilingRate(strategy, level, 1, context.sample, context.cores);
    // Workers' levels below the first that could reach the strategy's ceiling cannot be its best.
    // Under `auto` only: `fanout advise` measures every level, for its chart.
    const auto = context.bank !== undefined;
    let index =
      !auto || strategy === 'async' || levels.length === 0
        ? 0
        : hybrid
          ? autoHybridStart(levels)
          : firstUsefulLevel(levels.map(ceilingAt));
    probesLeft -= index;
    const skipped: Skipped[] = [];
    if (hybrid && plan.hybridNeedsSaturation) {
      probesLeft += index; // counted below, with every level
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
      if (auto && !outOfBudget) {
        // Sized or not (no room left), a probe that cannot pay for itself is skipped for that reason.
        const sized = size ?? { tasks: 0, estimatedMs: 0 };
        const worth = worthProbing(strategy, concurrency, inFlight, sized, probes, baseline, context);
        if (!worth.worth) {
          skipped.push({ level: at, worth, ceiling: worth.ceiling, realized: worth.realized });
          probesLeft--;
          continue;
        }
      }
      if (size !== null && strategy !== 'async' && context.startup[startupKey(strategy)] === null) {
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
          ...(context.bank ? { bank: context.bank } : {}),
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
    if (skipped.length > 0)
      notes.push(skippedNote(hybrid ? 'the hybrid' : strategy, skipped, probes, baseline));
    probesLeft -= levels.length - index;
  }
  return { sequential, probes, pastKnee, notes, repeats };
}
