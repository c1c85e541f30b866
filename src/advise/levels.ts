/**
 * Which concurrency levels to probe, and when to stop: pure functions of the measured probes.
 */
import { formatLongDuration, formatPercent, formatRate } from '../core/units.js';
import type { Character } from './classify.js';
import { hybridFill, overlapBound } from './classify.js';
import {
  ASYNC_MAX_CONCURRENCY,
  HYBRID_FIRST_MAX_OVERLAP,
  KNEE_MIN_GAIN,
  LATENCY_CLIMB_FACTOR,
  LOOP_SATURATED_SHARE,
  WORKERS_PER_CORE_MAX,
} from './thresholds.js';
import type { Probe } from './types.js';

/** 1, 2, 4, … up to `top`, with `top` itself always last. */
export function doublingLevels(top: number): number[] {
  const levels: number[] = [];
  for (let level = 1; level < top; level *= 2) levels.push(level);
  levels.push(Math.max(1, top));
  return levels;
}

/**
 * Async levels: as `doublingLevels` without 1, since async with one task in flight is the sequential
 * sample over again (that sample stands for level 1 in the search).
 */
export function asyncLevels(top: number): number[] {
  return doublingLevels(top).filter((level) => level > 1);
}

/** What the search probes: the three parallel strategies, and the hybrid (threads with tasks in flight on each). */
export type Searched = 'async' | 'threads' | 'processes' | 'hybrid';

export interface Plan {
  /** Levels to try for each strategy, in the order the strategies are probed. */
  async: number[];
  threads: number[];
  processes: number[];
  /** Tasks in flight per worker to try, on `hybridWorkers` worker threads. */
  hybrid: number[];
  hybridWorkers: number;
  /**
   * Probe the hybrid only if async's loop saturated (busy LOOP_SATURATED_SHARE or more at its best
   * level): for a task that mostly waits, one loop usually keeps up, and plain async is cheaper.
   */
  hybridNeedsSaturation: boolean;
  /** Strategies whose levels are searched for a knee (the others are probed once, for the projections). */
  searched: Searched[];
  order: Searched[];
}

export interface PlanInput {
  kind: Character;
  cores: number;
  busyShare: number;
  /** What fills a worker's loop (`fillShare`): sizes the hybrid's levels. Defaults to `busyShare`. */
  fillShare?: number;
  /** Inputs in the whole job, when known: no level beyond it makes sense. */
  total: number | null;
  maxConcurrency: number | undefined;
}

/**
 * - I/O-bound: async from 2 doubling up to 256 (or the limit, or the job's size), stopping at the knee;
 *   threads and processes once, at the core count, for their projections.
 * - CPU-bound: threads and processes from 1 doubling up to the core count; async once.
 * - Mixed: both searches; workers up to as many as keep every core busy while some of them wait
 *   (cores / busy share), at most WORKERS_PER_CORE_MAX per core.
 */
export function planLevels(input: PlanInput): Plan {
  const { kind, cores, busyShare, total, maxConcurrency } = input;
  const cap = Math.max(
    1,
    Math.min(maxConcurrency ?? Number.POSITIVE_INFINITY, total ?? Number.POSITIVE_INFINITY),
  );
  const asyncTop = Math.min(cap, maxConcurrency ?? ASYNC_MAX_CONCURRENCY);
  const coresTop = Math.min(cap, cores);
  const hybrid = hybridLevels(input.fillShare ?? busyShare, coresTop, asyncTop);
  const withHybrid = (order: Searched[]): Searched[] => (hybrid.length > 0 ? [...order, 'hybrid'] : order);
  if (kind === 'io-bound') {
    return {
      async: asyncLevels(asyncTop),
      threads: [coresTop],
      processes: [coresTop],
      hybrid,
      hybridWorkers: coresTop,
      hybridNeedsSaturation: true,
      searched: withHybrid(['async']),
      order: withHybrid(['async', 'threads', 'processes']),
    };
  }
  if (kind === 'cpu-bound') {
    return {
      async: coresTop > 1 ? [coresTop] : [],
      threads: doublingLevels(coresTop),
      processes: doublingLevels(coresTop),
      hybrid: [],
      hybridWorkers: coresTop,
      hybridNeedsSaturation: false,
      searched: ['threads', 'processes'],
      order: ['threads', 'processes', 'async'],
    };
  }
  const keepBusy = Math.ceil(cores * Math.min(overlapBound(busyShare), WORKERS_PER_CORE_MAX));
  const workerTop = Math.min(cap, Math.max(cores, keepBusy));
  return {
    async: asyncLevels(asyncTop),
    threads: doublingLevels(workerTop),
    processes: doublingLevels(workerTop),
    hybrid,
    hybridWorkers: coresTop,
    hybridNeedsSaturation: false,
    searched: withHybrid(['async', 'threads', 'processes']),
    order: withHybrid(['async', 'threads', 'processes']),
  };
}

/**
 * Under `auto`: where one event loop is full at HYBRID_FIRST_MAX_OVERLAP tasks in flight or fewer,
 * the hybrid's ceiling is every core's and async's one core's, so the hybrid is probed first (and
 * searched, whatever async does): its measured rate then tells which other models could still beat
 * it, and the search skips the rest (see `probeWorth`).
 */
export function hybridFirst(plan: Plan, busyShare: number): Plan {
  if (plan.hybrid.length === 0 || overlapBound(busyShare) > HYBRID_FIRST_MAX_OVERLAP) return plan;
  return {
    ...plan,
    hybridNeedsSaturation: false,
    searched: plan.searched.includes('hybrid') ? plan.searched : [...plan.searched, 'hybrid'],
    order: ['hybrid', ...plan.order.filter((searched) => searched !== 'hybrid')],
  };
}

/**
 * The hybrid's levels: one worker thread per core, each with 2, 4, … tasks in flight. Worth probing
 * when there are cores to add and one event loop would saturate within async's range: a worker's loop
 * is full at about 1 / busy share tasks in flight (the share that fills it: `fillShare` under the
 * advisor), so the levels go to HYBRID_FILL times that (rounded up to a power of two), and never past
 * async's top spread over the workers.
 */
export function hybridLevels(busyShare: number, workers: number, asyncTop: number): number[] {
  const saturatesAt = overlapBound(busyShare);
  if (workers < 2 || !Number.isFinite(saturatesAt) || saturatesAt >= asyncTop) return [];
  const top = Math.min(Math.max(2, Math.floor(asyncTop / workers)), hybridFill(busyShare));
  return top < 2 ? [] : doublingLevels(top).filter((level) => level > 1);
}

export interface Knee {
  /** Why, in words. */
  reason: string;
  /**
   * Whether `last` itself is past the knee and must not be recommended: its tasks queued or failed.
   * (When throughput merely stopped rising, `last` is as good as `previous`, only no better.)
   */
  excludeLast: boolean;
}

/** A probe's level in words: `8`, or `2×32` for workers × tasks in flight on each. */
export function levelOf(probe: Probe): string {
  return probe.inFlight > 1 ? `${probe.concurrency}×${probe.inFlight}` : `${probe.concurrency}`;
}

/** Which a model is: the hybrid apart from plain threads. */
export function modelOf(probe: Probe): string {
  return probe.inFlight > 1 ? `${probe.strategy} (hybrid)` : probe.strategy;
}

/** Why more in flight stopped paying: the loop is full (add workers), or something outside queues. */
function saturationWords(last: Probe): string {
  if (last.loopShare >= LOOP_SATURATED_SHARE) {
    const loops =
      last.strategy === 'async' || last.strategy === 'sequential'
        ? 'the event loop was'
        : "the workers' event loops were";
    return (
      ` ${loops[0]!.toUpperCase()}${loops.slice(1)} busy ${formatPercent(last.loopShare)} of the probe: saturated, so tasks wait for the CPU, ` +
      `not for a server; more in flight cannot help${last.strategy === 'async' ? ', more workers can (each with its own loop)' : ''}.`
    );
  }
  return ` The event loop${last.strategy === 'async' ? ' was' : 's were'} busy only ${formatPercent(last.loopShare)} of the probe: not the CPU, so something outside (a server, a pool, a rate limit) is past its knee.`;
}

/** What a step did to throughput, in the direction it went: `lowered throughput by 41 %`. */
export function gainWords(gain: number): string {
  if (gain > 0) return `raised throughput by only ${formatPercent(gain)}`;
  if (gain < 0) return `lowered throughput by ${formatPercent(-gain)}`;
  return 'left throughput where it was';
}

/**
 * Whether going from `previous` to `last` (the next level up) passed the knee, or null.
 * Throughput that stopped rising, latency that climbed faster than throughput, or new failures; for
 * the models that keep many tasks in flight on a loop, it says whether the loop or something outside
 * was the limit.
 */
export function kneeReached(previous: Probe, last: Probe, measuredTwice = false): Knee | null {
  const gain = previous.tasksPerSecond > 0 ? last.tasksPerSecond / previous.tasksPerSecond - 1 : 0;
  const step = `going from ${levelOf(previous)} to ${levelOf(last)}${measuredTwice ? ' (measured twice)' : ''}`;
  const who = modelOf(last);
  const onLoop = last.strategy === 'async' || last.inFlight > 1;
  if (last.failed > previous.failed) {
    return {
      reason: `${who}: ${step} made ${last.failed} of ${last.tasks} tasks fail (against ${previous.failed}): past the knee, the search went no higher.`,
      excludeLast: true,
    };
  }
  if (gain < KNEE_MIN_GAIN) {
    return {
      reason:
        `${who}: ${step} ${gainWords(gain)} ` +
        `(${formatRate(previous.tasksPerSecond, 'tasks')} → ${formatRate(last.tasksPerSecond, 'tasks')}; less than ${formatPercent(KNEE_MIN_GAIN)} ` +
        `counts as no gain): past the knee, the search went no higher.${onLoop ? saturationWords(last) : ''}`,
      excludeLast: false,
    };
  }
  // Only where tasks share a loop: there, time per task grows when something outside (a server, a
  // pool) queues the requests, or when the loop itself is full. Workers' task times grow when they
  // share cores, which the throughput already shows. The median must climb too: one late timer on a
  // busy machine moves the 95th percentile alone.
  if (
    onLoop &&
    last.p95Ms > previous.p95Ms * LATENCY_CLIMB_FACTOR &&
    last.p50Ms > previous.p50Ms * LATENCY_CLIMB_FACTOR &&
    gain + 1 < LATENCY_CLIMB_FACTOR
  ) {
    return {
      reason:
        `${who}: ${step} raised the task time from ${formatLongDuration(previous.p50Ms)} to ${formatLongDuration(last.p50Ms)} ` +
        `(median; 95th percentile ${formatLongDuration(previous.p95Ms)} to ${formatLongDuration(last.p95Ms)}) while throughput rose only ` +
        `${formatPercent(gain)}: tasks are queueing, so ${levelOf(last)} is past the knee and the search went no higher.` +
        saturationWords(last),
      excludeLast: true,
    };
  }
  return null;
}
