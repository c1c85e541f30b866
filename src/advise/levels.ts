/**
 * Which concurrency levels to probe, and when to stop: pure functions of the measured probes.
 */
import { formatLongDuration, formatPercent, formatRate } from '../core/units.js';
import type { Character } from './classify.js';
import { overlapBound } from './classify.js';
import {
  ASYNC_MAX_CONCURRENCY,
  KNEE_MIN_GAIN,
  LATENCY_CLIMB_FACTOR,
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

export interface Plan {
  /** Levels to try for each strategy, in the order the strategies are probed. */
  async: number[];
  threads: number[];
  processes: number[];
  /** Strategies whose levels are searched for a knee (the others are probed once, for the projections). */
  searched: ('async' | 'threads' | 'processes')[];
  order: ('async' | 'threads' | 'processes')[];
}

export interface PlanInput {
  kind: Character;
  cores: number;
  busyShare: number;
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
  if (kind === 'io-bound') {
    return {
      async: asyncLevels(asyncTop),
      threads: [coresTop],
      processes: [coresTop],
      searched: ['async'],
      order: ['async', 'threads', 'processes'],
    };
  }
  if (kind === 'cpu-bound') {
    return {
      async: coresTop > 1 ? [coresTop] : [],
      threads: doublingLevels(coresTop),
      processes: doublingLevels(coresTop),
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
    searched: ['async', 'threads', 'processes'],
    order: ['async', 'threads', 'processes'],
  };
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

/**
 * Whether going from `previous` to `last` (the next level up) passed the knee, or null.
 * Throughput that stopped rising, latency that climbed faster than throughput, or new failures.
 */
export function kneeReached(previous: Probe, last: Probe, measuredTwice = false): Knee | null {
  const gain = previous.tasksPerSecond > 0 ? last.tasksPerSecond / previous.tasksPerSecond - 1 : 0;
  const step = `going from ${previous.concurrency} to ${last.concurrency}${measuredTwice ? ' (measured twice)' : ''}`;
  if (last.failed > previous.failed) {
    return {
      reason: `${last.strategy}: ${step} made ${last.failed} of ${last.tasks} tasks fail (against ${previous.failed}): past the knee, the search went no higher.`,
      excludeLast: true,
    };
  }
  if (gain < KNEE_MIN_GAIN) {
    return {
      reason:
        `${last.strategy}: ${step} raised throughput by ${gain > 0 ? `only ${formatPercent(gain)}` : 'nothing'} ` +
        `(${formatRate(previous.tasksPerSecond, 'tasks')} → ${formatRate(last.tasksPerSecond, 'tasks')}; less than ${formatPercent(KNEE_MIN_GAIN)} ` +
        'counts as no gain): past the knee, the search went no higher.',
      excludeLast: false,
    };
  }
  // Only for async: there, time per task grows when something outside (a server, a pool) queues the
  // requests. Workers' task times grow when they share cores, which the throughput already shows.
  // The median must climb too: one late timer on a busy machine moves the 95th percentile alone.
  if (
    last.strategy === 'async' &&
    last.p95Ms > previous.p95Ms * LATENCY_CLIMB_FACTOR &&
    last.p50Ms > previous.p50Ms * LATENCY_CLIMB_FACTOR &&
    gain + 1 < LATENCY_CLIMB_FACTOR
  ) {
    return {
      reason:
        `${last.strategy}: ${step} raised the task time from ${formatLongDuration(previous.p50Ms)} to ${formatLongDuration(last.p50Ms)} ` +
        `(median; 95th percentile ${formatLongDuration(previous.p95Ms)} to ${formatLongDuration(last.p95Ms)}) while throughput rose only ` +
        `${formatPercent(gain)}: tasks are queueing somewhere, so ${last.concurrency} is past the knee and the ` +
        'search went no higher.',
      excludeLast: true,
    };
  }
  return null;
}
