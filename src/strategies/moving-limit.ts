/**
 * A strategy's limit under `concurrency: 'adaptive'`: the limiter's policy, fed by finished tasks, plus
 * what there is to see of it (the limit now, its range, its history). No clock of its own: times come
 * with the samples.
 */
import type { AdaptiveBounds } from '../core/options.js';
import type { LimitPoint } from '../core/types.js';
import { GradientLimiter, type LimitSample } from './limiter.js';
import type { MovingLimitView } from './strategy.js';

/** Changes closer together than this share one history point (the latest): a long run stays small. */
export const LIMIT_HISTORY_RESOLUTION_MS = 50;

export class MovingLimit implements MovingLimitView {
  readonly bounds: AdaptiveBounds;
  readonly #limiter: GradientLimiter;
  readonly #history: LimitPoint[];
  #min: number;
  #max: number;

  constructor(bounds: AdaptiveBounds, initial: number, startedAt: number) {
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
    return limit;
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
