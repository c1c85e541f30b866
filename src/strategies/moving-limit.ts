/**
 * A strategy's limit under `concurrency: 'adaptive'`: the limiter's policy, fed by finished tasks, plus
 * what there is to see of it (the limit now, its range, its history). No clock of its own: times come
 * with the samples.
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

export class MovingLimit implements MovingLimitView {
  readonly bounds: AdaptiveBounds;
  readonly #limiter: GradientLimiter;
  readonly #history: LimitPoint[];
  #min: number;
  #max: number;
  readonly #startedAt: number;
  #bucketMs = SERIES_BUCKET_MS;
  readonly #tallies: Tally[] = [];
  #lastEnd: number;

  constructor(bounds: AdaptiveBounds, initial: number, startedAt: number) {
    this.#startedAt = this.#lastEnd = startedAt;
    this.bounds = { ...bounds };
    this.#limiter = new GradientLimiter({ initial, min: bounds.min, max: bounds.max });
    const limit = this.#limiter.limit;
    this.#history = [{ time: startedAt, limit }];
    this.#min = this.#max = limit;
  }

  now(): number {
    return this.#limiter.limit;
  }

  /** Feeds a finished task; returns the limit from now on. */
  sample(sample: LimitSample): number {
    const before = this.#limiter.limit;
    const limit = this.#limiter.sample(sample);
    if (limit !== before) this.#record(sample.end, limit);
    this.#tally(sample.end, sample.outcome === 'ok' ? sample.end - sample.start : undefined);
    return limit;
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

  #tally(end: number, latency: number | undefined): void {
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

  #record(time: number, limit: number): void {
    if (limit < this.#min) this.#min = limit;
    if (limit > this.#max) this.#max = limit;
    const last = this.#history.at(-1)!;
    if (this.#history.length > 1 && time - last.time < LIMIT_HISTORY_RESOLUTION_MS) last.limit = limit;
    else this.#history.push({ time: Math.max(time, last.time), limit });
  }
}
