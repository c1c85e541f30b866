/**
 * A strategy's limit under an adaptive limit: the limiter's policy, fed by finished tasks, plus what
 * there is to see of it (the limit now, its range, its history, and the run in stretches). No clock of
 * its own: times come with the samples.
 *
 * - MovingLimit: one limiter (async's `concurrency: 'adaptive'`).
 * - WorkerLimits: one limiter per worker (the pools' `inFlight: 'adaptive'`), seen as their mean.
 * - LimitRecord: what both show: history, range, series.
 */
import type { AdaptiveBounds } from '../core/options.js';
import type { LimitBucket, LimitPoint } from '../core/types.js';
import { GradientLimiter, type LimitSample } from './limiter.js';
import type { MovingLimitView } from './strategy.js';

/** Changes closer together than this share one history point (the latest): a long run stays small. */
export const LIMIT_HISTORY_RESOLUTION_MS = 50;
/** The series' stretches start this long, and double (two merged into one) whenever there would be more than… */
export const SERIES_BUCKET_MS = 100;
/** …this many: a run of any length is drawn from at most this many stretches, in constant memory. */
export const SERIES_MAX_BUCKETS = 120;

/** What the series counts per stretch, before it is read. */
interface Tally {
  done: number;
  failed: number;
  latencySum: number;
  latencyCount: number;
}

const emptyTally = (): Tally => ({ done: 0, failed: 0, latencySum: 0, latencyCount: 0 });

/** A limit's history, range and series: what a moving limit shows, whoever moves it. */
export class LimitRecord {
  readonly #history: LimitPoint[];
  #min: number;
  #max: number;
  readonly #startedAt: number;
  #bucketMs = SERIES_BUCKET_MS;
  readonly #tallies: Tally[] = [];
  #lastEnd: number;

  constructor(startedAt: number, limit: number) {
    this.#startedAt = this.#lastEnd = startedAt;
    this.#history = [{ time: startedAt, limit }];
    this.#min = this.#max = limit;
  }

  /** The limit is `limit` from `time` on. */
  record(time: number, limit: number): void {
    if (limit < this.#min) this.#min = limit;
    if (limit > this.#max) this.#max = limit;
    const last = this.#history.at(-1)!;
    if (last.limit === limit) return;
    if (this.#history.length > 1 && time - last.time < LIMIT_HISTORY_RESOLUTION_MS) last.limit = limit;
    else this.#history.push({ time: Math.max(time, last.time), limit });
  }

  /** A task ended at `end`: `latency` ms if it succeeded, undefined if it failed or timed out. */
  tally(end: number, latency: number | undefined): void {
    if (end > this.#lastEnd) this.#lastEnd = end;
    let index = Math.max(0, Math.floor((end - this.#startedAt) / this.#bucketMs));
    while (index >= SERIES_MAX_BUCKETS) {
      // Two stretches become one: the width doubles, the memory stays the same.
      for (let i = 0; i < SERIES_MAX_BUCKETS / 2; i++) {
        const a = this.#tallies[2 * i] ?? emptyTally();
        const b = this.#tallies[2 * i + 1] ?? emptyTally();
        this.#tallies[i] = {
          done: a.done + b.done,
          failed: a.failed + b.failed,
          latencySum: a.latencySum + b.latencySum,
          latencyCount: a.latencyCount + b.latencyCount,
        };
      }
      this.#tallies.length = Math.ceil(Math.min(this.#tallies.length, SERIES_MAX_BUCKETS) / 2);
      this.#bucketMs *= 2;
      index = Math.floor((end - this.#startedAt) / this.#bucketMs);
    }
    while (this.#tallies.length <= index) this.#tallies.push(emptyTally());
    const tally = this.#tallies[index]!;
    tally.done++;
    if (latency === undefined) tally.failed++;
    else {
      tally.latencySum += latency;
      tally.latencyCount++;
    }
  }

  history(): LimitPoint[] {
    return this.#history.map((point) => ({ ...point }));
  }

  range(): { min: number; max: number } {
    return { min: this.#min, max: this.#max };
  }

  /**
   * The run so far in stretches of equal length (at most SERIES_MAX_BUCKETS): tasks ended, failed,
   * their mean latency, and the limit at the end of each. What the run summary and its report draw.
   */
  series(): LimitBucket[] {
    const buckets: LimitBucket[] = [];
    let point = 0;
    for (let i = 0; i < this.#tallies.length; i++) {
      const tally = this.#tallies[i] ?? emptyTally();
      const start = this.#startedAt + i * this.#bucketMs;
      const end = Math.min(start + this.#bucketMs, Math.max(this.#lastEnd, start));
      while (point + 1 < this.#history.length && this.#history[point + 1]!.time <= end) point++;
      buckets.push({
        start,
        end,
        limit: this.#history[point]!.limit,
        done: tally.done,
        failed: tally.failed,
        latencyMs: tally.latencyCount > 0 ? tally.latencySum / tally.latencyCount : undefined,
      });
    }
    return buckets;
  }
}

/** The latency a sample counts in the series: its duration if it succeeded. */
const latencyOf = (sample: LimitSample): number | undefined =>
  sample.outcome === 'ok' ? sample.end - sample.start : undefined;

/** What every moving limit shows, read from its record. */
abstract class RecordedLimit implements MovingLimitView {
  readonly bounds: AdaptiveBounds;
  protected readonly record: LimitRecord;

  constructor(bounds: AdaptiveBounds, startedAt: number, limit: number) {
    this.bounds = { ...bounds };
    this.record = new LimitRecord(startedAt, limit);
  }

  abstract now(): number;

  history(): LimitPoint[] {
    return this.record.history();
  }

  range(): { min: number; max: number } {
    return this.record.range();
  }

  series(): LimitBucket[] {
    return this.record.series();
  }
}

/** One limit, fed by every task: async's `concurrency: 'adaptive'`. */
export class MovingLimit extends RecordedLimit {
  readonly #limiter: GradientLimiter;

  /** `floorMs`: the latency without a queue, when measured beforehand (see LimiterOptions.floor). */
  constructor(bounds: AdaptiveBounds, initial: number, startedAt: number, floorMs?: number) {
    const limiter = new GradientLimiter({
      initial,
      min: bounds.min,
      max: bounds.max,
      ...(floorMs === undefined ? {} : { floor: floorMs }),
    });
    super(bounds, startedAt, limiter.limit);
    this.#limiter = limiter;
  }

  now(): number {
    return this.#limiter.limit;
  }

  /** Feeds a finished task; returns the limit from now on. */
  sample(sample: LimitSample): number {
    const limit = this.#limiter.sample(sample);
    this.record.record(sample.end, limit);
    this.record.tally(sample.end, latencyOf(sample));
    return limit;
  }
}

/**
 * A limit per worker, each fed by its own worker's tasks: the pools' `inFlight: 'adaptive'`. Shown as
 * one limit, the mean of the live workers' (rounded): that is what `now()`, the history, the range and
 * the series say. A worker that replaces a dead one starts its own from the slow start, up to that mean
 * (at that mean at once where the floor was measured beforehand).
 */
export class WorkerLimits extends RecordedLimit {
  readonly #initial: number;
  readonly #floor: { floor?: number };
  readonly #limiters = new Map<number, GradientLimiter>();
  #now: number;

  /** `floorMs`: the latency without a queue, when measured beforehand (see LimiterOptions.floor). */
  constructor(bounds: AdaptiveBounds, initial: number, startedAt: number, floorMs?: number) {
    const floor: { floor?: number } = floorMs === undefined ? {} : { floor: floorMs };
    const first = new GradientLimiter({ initial, min: bounds.min, max: bounds.max, ...floor }).limit;
    super(bounds, startedAt, first);
    this.#initial = initial;
    this.#floor = floor;
    this.#now = first;
  }

  now(): number {
    return this.#now;
  }

  /** The tasks worker `id` may have in flight now. */
  limitOf(id: number): number {
    return this.#limiters.get(id)?.limit ?? this.#now;
  }

  /** A worker starts: a limiter of its own, from the slow start up to the limit the others stand at. */
  add(id: number, time: number): void {
    this.#limiters.set(id, this.#create(this.#limiters.size === 0 ? this.#initial : this.#now));
    this.#update(time);
  }

  /** A worker is gone: its limit no longer counts. */
  remove(id: number, time: number): void {
    if (this.#limiters.delete(id)) this.#update(time);
  }

  /** Feeds a task worker `id` finished; returns that worker's limit from now on. */
  sample(id: number, sample: LimitSample): number {
    const limiter = this.#limiters.get(id);
    if (limiter === undefined) return this.#now;
    const before = limiter.limit;
    const limit = limiter.sample(sample);
    if (limit !== before) this.#update(sample.end);
    this.record.tally(sample.end, latencyOf(sample));
    return limit;
  }

  #create(initial: number): GradientLimiter {
    return new GradientLimiter({ initial, min: this.bounds.min, max: this.bounds.max, ...this.#floor });
  }

  #update(time: number): void {
    if (this.#limiters.size === 0) return;
    let sum = 0;
    for (const limiter of this.#limiters.values()) sum += limiter.limit;
    this.#now = Math.round(sum / this.#limiters.size);
    this.record.record(time, this.#now);
  }
}
