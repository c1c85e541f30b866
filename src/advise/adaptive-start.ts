/**
 * Under `auto`, a job whose task mostly waits is not probed level after level: it starts at once under
 * async with a limit that moves while it runs (src/strategies/limiter.ts), from where the sample says
 * the loop fills, with the sample's latency as the limit's floor. A pure function of the sample.
 */
import { formatCount, formatLongDuration, formatPercent } from '../core/units.js';
import { COLD_START_MAX_FLOORS, COLD_START_ROUNDS, TOLERANCE } from '../strategies/limiter.js';
import { overlapBound } from './classify.js';
import { ADAPTIVE_START_FILL, HYBRID_FIRST_MAX_OVERLAP, IO_BUSY_SHARE_MAX } from './thresholds.js';
import type { SampleFigures } from './types.js';

/** The least an adaptive limit may go down to under `auto`. */
export const AUTO_ADAPTIVE_MIN = 1;

export interface AdaptiveStart {
  /** Where the limit starts, and the bounds it moves within. */
  initial: number;
  min: number;
  max: number;
  /** The latency without a queue, per task, in ms: the sample's median. */
  floorMs: number;
  /** Why, with the figures. */
  reason: string;
}

/**
 * Null unless the task mostly waits (busy share at most IO_BUSY_SHARE_MAX) and one loop keeps up with
 * more of it than HYBRID_FIRST_MAX_OVERLAP in flight (else the hybrid is probed first), and async may
 * have two or more in flight (`asyncCap`, the user's limit or the job's size). The limit starts at
 * ADAPTIVE_START_FILL × what fills the loop by the sample (rounded up), at most `asyncCap`: the sample
 * overstates the busy share, and a limit too high is cut within a window once latency climbs, while one
 * too low grows a step per round trip.
 */
export function adaptiveStart(sample: SampleFigures, asyncCap: number): AdaptiveStart | null {
  const overlap = overlapBound(sample.busyShare);
  const max = Math.floor(asyncCap);
  if (sample.busyShare > IO_BUSY_SHARE_MAX || overlap <= HYBRID_FIRST_MAX_OVERLAP || max < 2) return null;
  const initial = Math.min(max, Math.ceil(ADAPTIVE_START_FILL * overlap));
  const floorMs = sample.p50Ms;
  const about = Number.isFinite(overlap) ? `about ${formatCount(Math.floor(overlap))}` : 'any number';
  const reason =
    `Started async with an adaptive limit from ${formatCount(initial)} (bounds ${AUTO_ADAPTIVE_MIN}–${formatCount(max)}) ` +
    `instead of probing levels, so the job began at once: the event loop was busy ${formatPercent(sample.busyShare)} of ` +
    `each task, so one loop keeps up with ${about} in flight by this sample (more than ${HYBRID_FIRST_MAX_OVERLAP}: ` +
    `no workers needed). It starts at ${ADAPTIVE_START_FILL} × that, rounded up (capped at ${formatCount(max)}), as ` +
    `a sample overstates the busy share. It leaves the tasks started in the first ${COLD_START_ROUNDS} round trips ` +
    `unjudged (each as long as the job's first task to succeed took, at least the sample's median, ${formatLongDuration(floorMs)}, ` +
    `at most ${COLD_START_MAX_FLOORS} × it; ` +
    `its mean was ${formatLongDuration(sample.wallMs)}), then comes down as soon as the median task time climbs above ` +
    `${TOLERANCE} × that median, and goes up while it does not.`;
  return { initial, min: AUTO_ADAPTIVE_MIN, max, floorMs, reason };
}
