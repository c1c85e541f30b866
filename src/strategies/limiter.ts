/**
 * The policy behind `concurrency: 'adaptive'`: how many tasks to keep in flight, from what the
 * finished ones measured. Pure: no timers, no clock of its own. The strategy feeds it one sample per
 * finished task (when it started and ended, how many were in flight, how it ended) and reads the limit.
 *
 * The rule is a gradient in the spirit of Netflix concurrency-limits' Gradient2. Per window of about
 * half the limit's worth of finished tasks, with `latency` the window's median and `floor` the service's
 * latency without a queue:
 *
 *   latency > TOLERANCE × floor:  limit' = what the service sustains without a queue (Little's law:
 *                                 each task's in-flight × floor / its latency; the median, over the
 *                                 tasks started since the last cut), but at least MIN_GRADIENT × limit;
 *                                 judged every MIN_WINDOW_SAMPLES once above FAST_CUT_TOLERANCE × floor
 *   otherwise:                    limit' = limit + max(√limit, limit / 4), doubled for each such step in
 *                                 a row (up to 8 ×) but at most limit / 2, once the window holds only
 *                                 tasks started since the last change, and enough are in flight to use it
 *
 * within MIN–MAX, starting from SLOW_START_FROM and doubling per window up to the initial limit (TCP's
 * slow start), so that the floor is measured before a queue of ours can form; or, given a floor measured
 * beforehand (`auto`'s sequential sample), at the initial limit at once, with the tasks started in the
 * first COLD_START_ROUNDS round trips (the cold start, timed by the first task) left unjudged but for
 * their failures.
 *
 * Gradient2 multiplies the limit by a smoothed floor/latency and compares with a long moving average of
 * the latency; this rule departs from it where docs/adaptive.md says why: the floor is a low quantile of
 * recent window medians (a windowed minimum, as Vegas and BBR keep, made robust to outliers), so a queue
 * that lasts is not taken for the new normal; a cut lands on Little's estimate, which tasks started
 * under an older limit measure as rightly as new ones, so it follows a drop within a window or two and
 * one queue is never cut for twice; growth waits for tasks started after the last change, so it does
 * not overshoot on stale news. Errors and time-outs count as congestion: a window with a share s of them
 * cuts the limit to at most (1 − s) × limit.
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
  /**
   * The latency without a queue, in ms, when the caller measured it already (`auto`'s sequential
   * sample): the slow start is there to measure it, so with it the limit starts at `initial` at once,
   * and the floor starts from it (the windows' own medians join it, see FLOOR_QUANTILE). The cold start
   * is then not judged (see COLD_START_ROUNDS).
   */
  floor?: number;
}

/** Latency up to this multiple of the floor is taken for noise, not a queue. */
export const TOLERANCE = 1.5;
/**
 * A window is judged early, every MIN_WINDOW_SAMPLES samples, once its median latency is this many
 * times the floor: a clear overload, not noise (TOLERANCE is for whole windows).
 */
export const FAST_CUT_TOLERANCE = 2;
/** One window can at most halve the limit: an outlier must not empty the pipe. */
export const MIN_GRADIENT = 0.5;
/** The floor is a low quantile of the medians of this many recent windows: a lasting rise is accepted after them. */
export const FLOOR_WINDOWS = 128;
/**
 * Which quantile: not the lowest, which on a noisy machine is an outlier every ordinary window would
 * look queued against, but low enough to be the windows without a queue (a third or more of them in
 * the cycle of cut and growth).
 */
export const FLOOR_QUANTILE = 0.1;
/** A window holds at least this many samples, and otherwise about half the limit's worth. */
export const MIN_WINDOW_SAMPLES = 8;

/**
 * The limit starts this low (or at `initial`, if lower) and doubles per window up to `initial`, unless a
 * queue shows first: the first windows then see the service without a queue of ours, and measure its floor.
 */
export const SLOW_START_FROM = 4;

/**
 * Given a floor, the limit starts at `initial` at once, and the tasks started within this many round
 * trips of the first are the cold start: their latencies are not judged, only their failures. A round
 * trip is the first task's own latency, or the floor if that was shorter. They started in one burst,
 * on connections still opening and code still compiling, and the first to end started with few in
 * flight, so Little's law read on them says the service sustains a handful (measured: a burst of 256
 * GETs answered after 50 ms, the first ended at 166 ms having started with 1–8 in flight, and the limit
 * was halved at once; at load 4.5 the first ended after about 900 ms, and the tasks started as the burst
 * drained still took 390 ms: one round is not enough). The floor already says what an unloaded task takes.
 */
export const COLD_START_ROUNDS = 2;
/** The longest a cold start's round trip is taken to be, in floors. */
export const COLD_START_MAX_FLOORS = 16;

/** The room to grow by when no queue shows: √limit (Gradient's queue allowance), or a quarter, if more. */
export function headroom(limit: number): number {
  return Math.max(1, Math.sqrt(limit), limit / 4);
}

/**
 * Growth without a queue in sight speeds up: each step in a row doubles the next, up to 2^this. After
 * a rise of capacity the limit gets there in a few round trips; the first queue resets it.
 */
export const MAX_GROWTH_DOUBLINGS = 3;
/** No growth step adds more than this share of the limit. */
export const MAX_GROWTH_SHARE = 0.5;

/** The samples a window holds before it is judged. */
export function windowSize(limit: number): number {
  return Math.max(MIN_WINDOW_SAMPLES, Math.ceil(limit / 2));
}

/** The median, robust to the odd slow task (a pause for garbage collection); undefined for none. */
function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  values.sort((a, b) => a - b);
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle] : (values[middle - 1]! + values[middle]!) / 2;
}

export class GradientLimiter {
  readonly min: number;
  readonly max: number;
  #estimate: number;
  #limit: number;
  /** Doubling (slow start) goes on up to here; 0 once a queue has shown. */
  #slowStartTo: number;
  #count = 0;
  /** The latencies of the window's tasks that succeeded, and the tasks in flight when each started. */
  readonly #latencies: number[] = [];
  readonly #inFlights: number[] = [];
  #drops = 0;
  #peakInFlight = 0;
  /** Growth steps in a row without a queue: each doubles the next (up to MAX_GROWTH_DOUBLINGS). */
  #streak = 0;
  /** When the window's earliest task started, and when the limit last changed, and was last cut. */
  #oldestStart = Number.POSITIVE_INFINITY;
  #changedAt = Number.NEGATIVE_INFINITY;
  #cutAt = Number.NEGATIVE_INFINITY;
  /** The latencies (and tasks in flight) of the window's tasks started since the last cut. */
  readonly #freshLatencies: number[] = [];
  readonly #freshInFlights: number[] = [];
  /** Recent window medians, newest last; the floor is a low quantile of them. */
  readonly #medians: number[] = [];
  #floor = Number.POSITIVE_INFINITY;
  /** Tasks started before this are the cold start (COLD_START_ROUNDS); undefined until the first success. */
  #coldUntil: number | undefined = Number.NEGATIVE_INFINITY;

  constructor(options: LimiterOptions) {
    this.min = options.min;
    this.max = options.max;
    this.#slowStartTo = Math.min(options.max, Math.max(options.min, Math.floor(options.initial)));
    this.#estimate = Math.max(options.min, Math.min(this.#slowStartTo, SLOW_START_FROM));
    const { floor } = options;
    if (floor !== undefined && Number.isFinite(floor) && floor > 0) {
      // The floor is known: nothing for a slow start to measure.
      this.#estimate = this.#slowStartTo;
      this.#slowStartTo = 0;
      this.#medians.push(floor);
      this.#floor = floor;
      this.#coldUntil = undefined;
    }
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
    // The first task to succeed started about when the first did: the cold start runs COLD_START_ROUNDS
    // of its round trips from it (a failure, a time-out say, times no round trip), each at most
    // COLD_START_MAX_FLOORS floors, so that one very slow first task cannot leave a minute unjudged.
    if (sample.outcome === 'ok') {
      this.#coldUntil ??=
        sample.start +
        COLD_START_ROUNDS *
          Math.min(Math.max(this.#floor, sample.end - sample.start), COLD_START_MAX_FLOORS * this.#floor);
      if (sample.start < this.#coldUntil) return this.#limit;
    }
    this.#count++;
    if (sample.inFlight > this.#peakInFlight) this.#peakInFlight = sample.inFlight;
    if (sample.start < this.#oldestStart) this.#oldestStart = sample.start;
    if (sample.outcome === 'ok') {
      const latency = Math.max(0, sample.end - sample.start);
      this.#latencies.push(latency);
      this.#inFlights.push(sample.inFlight);
      if (sample.start >= this.#cutAt) {
        this.#freshLatencies.push(latency);
        this.#freshInFlights.push(sample.inFlight);
      }
    } else {
      this.#drops++;
    }
    if (this.#count >= windowSize(this.#limit) || this.#queueShows()) this.#judge(sample.end);
    return this.#limit;
  }

  /**
   * A cut need not wait for a whole window: every MIN_WINDOW_SAMPLES samples, a window whose median
   * already stands above the tolerance is judged at once. When the service is overloaded, answers come
   * slowly, and half a large limit's worth of them can take seconds, while the overload grows worse
   * (a service that slows down under contention: docs/adaptive.md). Growth still waits for a window.
   */
  #queueShows(): boolean {
    if (this.#count % MIN_WINDOW_SAMPLES !== 0 || this.#latencies.length < MIN_WINDOW_SAMPLES) return false;
    const latency = median([...this.#latencies]);
    return latency !== undefined && latency > FAST_CUT_TOLERANCE * this.#floor;
  }

  #judge(now: number): void {
    const dropShare = this.#drops / this.#count;
    const latency = median([...this.#latencies]);
    const appLimited = this.#peakInFlight < this.#limit / 2;
    // Tasks started before the last change cannot tell whether it made a queue: no growth on them.
    const stale = this.#oldestStart < this.#changedAt;
    let next: number | undefined;
    // After a cut, only tasks started since can say whether it was enough: the ones before it wait
    // in the same queue, and under contention their latency says far less than the service can do.
    const fresh = this.#freshLatencies.length >= MIN_WINDOW_SAMPLES / 2;
    if (latency !== undefined && fresh) {
      // Only they join the floor, too: the queue the cut was for must not lift it (measured: a burst's
      // queued tail raised a 56 ms floor to 155 ms within eleven windows).
      this.#remember(median([...this.#freshLatencies])!);
      if (latency > TOLERANCE * this.#floor) next = Math.min(this.#estimate, this.#sustained());
    }
    if (dropShare > 0) next = Math.min(next ?? this.#estimate, this.#estimate * (1 - dropShare));
    this.#count = this.#drops = this.#peakInFlight = 0;
    this.#latencies.length = this.#inFlights.length = 0;
    this.#freshLatencies.length = this.#freshInFlights.length = 0;
    this.#oldestStart = Number.POSITIVE_INFINITY;
    if (next !== undefined) {
      next = Math.max(next, this.#estimate * MIN_GRADIENT);
      this.#slowStartTo = 0;
      this.#streak = 0;
      // A cut is a change: the tasks started before it are no evidence for growing again either.
      if (next < this.#estimate) this.#cutAt = this.#changedAt = now;
    } else if (appLimited || stale) {
      // Too few tasks to fill the limit (a slow source): no evidence that more would help.
      return;
    } else if (this.#estimate < this.#slowStartTo) {
      next = Math.min(this.#slowStartTo, this.#estimate * 2);
    } else {
      const step = headroom(this.#estimate) * 2 ** Math.min(this.#streak, MAX_GROWTH_DOUBLINGS);
      // At most half again per step: tasks in flight above the capacity take long to drain.
      next = this.#estimate + Math.min(step, this.#estimate * MAX_GROWTH_SHARE);
      this.#streak++;
    }
    this.#estimate = Math.min(this.max, Math.max(this.min, next));
    const limit = Math.floor(this.#estimate);
    if (limit !== this.#limit) this.#changedAt = now;
    this.#limit = limit;
  }

  /**
   * What the service sustains without a queue, by Little's law: each task saw `inFlight` in flight
   * and took `latency`, so the service got through inFlight / latency per ms; times the floor, that is
   * the tasks in flight that would have met no queue. Per task, so that tasks started under an older,
   * higher limit measure it rightly; the window's median.
   */
  #sustained(): number {
    const estimates = this.#freshLatencies.map(
      (latency, i) => (this.#freshInFlights[i]! * this.#floor) / Math.max(latency, 1e-3),
    );
    return median(estimates)!;
  }

  #remember(latency: number): void {
    this.#medians.push(latency);
    if (this.#medians.length > FLOOR_WINDOWS) this.#medians.shift();
    const sorted = [...this.#medians].sort((a, b) => a - b);
    this.#floor = sorted[Math.floor(FLOOR_QUANTILE * (sorted.length - 1))]!;
  }
}
