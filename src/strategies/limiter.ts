/**
 * The policy behind `concurrency: 'adaptive'`: how many tasks to keep in flight, from what the
 * finished ones measured. Pure: no timers, no clock of its own. The strategy feeds it one sample per
 * finished task (when it started and ended, how many were in flight, how it ended) and reads the limit.
 *
 * The rule is a gradient in the spirit of Netflix concurrency-limits' Gradient2. Per window of about
 * half the limit's worth of finished tasks, with `latency` the window's mean and `floor` the service's
 * latency without a queue:
 *
 *   latency > TOLERANCE × floor:  limit' = limit × max(MIN_GRADIENT, floor / latency)
 *   otherwise:                    limit' = limit + √limit   (unless too few tasks are in flight to use it)
 *
 * and the limit stays within MIN–MAX. `limit × floor / latency` is, by Little's law, throughput × floor:
 * the tasks in flight the service sustains without a queue. Gradient2 smooths the same gradient and
 * compares with a long moving average of the latency; this rule departs from it in three places, each
 * for a reason docs/adaptive.md gives: the floor is the lowest window mean of the last FLOOR_WINDOWS
 * windows (a windowed minimum, as Vegas and BBR use), so queueing that lasts is not taken for the new
 * normal; a cut lands on the estimate itself, unsmoothed, so the queue drains and the floor is measured
 * again at the bottom of each cycle; and a window counts only tasks started after the last change of the
 * limit, so one queue is not punished twice. Errors and time-outs count as congestion: the gradient is
 * at most 1 − their share of the window.
 */

/** How a task ended, as the limiter sees it. */
export type LimitOutcome = 'ok' | 'error' | 'timeout';

export interface LimitSample {
  /** When the task started and ended, in ms on any one clock. */
  start: number;
  end: number;
  /** Tasks in flight when it started, itself included. */
  inFlight: number;
  outcome: LimitOutcome;
}

export interface LimiterOptions {
  /** The limit to start from. */
  initial: number;
  /** Bounds the limit never leaves. */
  min: number;
  max: number;
}

/** Latency up to this multiple of the floor is taken for noise, not a queue. */
export const TOLERANCE = 1.25;
/** One window can at most halve the limit: an outlier must not empty the pipe. */
export const MIN_GRADIENT = 0.5;
/** The floor is the lowest window mean among this many recent windows: a lasting rise is accepted after them. */
export const FLOOR_WINDOWS = 128;
/** A window holds at least this many samples, and otherwise about half the limit's worth. */
export const MIN_WINDOW_SAMPLES = 4;

/** The room to grow by when no queue shows: about √limit, as Gradient's queue allowance. */
export function headroom(limit: number): number {
  return Math.max(1, Math.sqrt(limit));
}

/** The samples a window holds before it is judged. */
export function windowSize(limit: number): number {
  return Math.max(MIN_WINDOW_SAMPLES, Math.ceil(limit / 2));
}

export class GradientLimiter {
  readonly min: number;
  readonly max: number;
  #estimate: number;
  #limit: number;
  /** Only tasks started at or after this time belong to the current window. */
  #since = Number.NEGATIVE_INFINITY;
  #count = 0;
  #latencySum = 0;
  #okCount = 0;
  #drops = 0;
  #peakInFlight = 0;
  /** Recent window means, newest last; the floor is their minimum. */
  readonly #means: number[] = [];
  #floor = Number.POSITIVE_INFINITY;

  constructor(options: LimiterOptions) {
    this.min = options.min;
    this.max = options.max;
    this.#estimate = Math.min(options.max, Math.max(options.min, options.initial));
    this.#limit = Math.floor(this.#estimate);
  }

  /** Tasks that may be in flight now. */
  get limit(): number {
    return this.#limit;
  }

  /** The latency without a queue, as measured so far (Infinity before the first window). */
  get floor(): number {
    return this.#floor;
  }

  /** Takes one finished task into account and returns the limit from now on. */
  sample(sample: LimitSample): number {
    // Started before the last change: it measured the old limit's queue, already acted on.
    if (sample.start < this.#since) return this.#limit;
    this.#count++;
    if (sample.inFlight > this.#peakInFlight) this.#peakInFlight = sample.inFlight;
    if (sample.outcome === 'ok') {
      this.#okCount++;
      this.#latencySum += Math.max(0, sample.end - sample.start);
    } else {
      this.#drops++;
    }
    if (this.#count >= windowSize(this.#limit)) this.#judge(sample.end);
    return this.#limit;
  }

  #judge(now: number): void {
    const dropShare = this.#drops / this.#count;
    const mean = this.#okCount > 0 ? this.#latencySum / this.#okCount : undefined;
    const appLimited = this.#peakInFlight < this.#limit / 2;
    this.#count = this.#okCount = this.#drops = this.#peakInFlight = 0;
    this.#latencySum = 0;
    let gradient = 1;
    if (mean !== undefined) {
      this.#remember(mean);
      // A queue: back to what the service sustains without one (Little's law: throughput × floor).
      if (mean > TOLERANCE * this.#floor) gradient = this.#floor / mean;
    }
    gradient = Math.max(MIN_GRADIENT, Math.min(gradient, 1 - dropShare));
    // Too few tasks to fill the limit (a slow source): no evidence that more would help.
    if (gradient === 1 && appLimited) return;
    const next = gradient === 1 ? this.#estimate + headroom(this.#estimate) : this.#estimate * gradient;
    this.#estimate = Math.min(this.max, Math.max(this.min, next));
    const limit = Math.floor(this.#estimate);
    if (limit !== this.#limit) {
      this.#limit = limit;
      this.#since = now;
    }
  }

  #remember(mean: number): void {
    this.#means.push(mean);
    if (this.#means.length > FLOOR_WINDOWS) this.#means.shift();
    this.#floor = Math.min(...this.#means);
  }
}
