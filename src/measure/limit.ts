/**
 * What an adaptive limit did, in figures a table can hold beside a fixed limit: where it started, its
 * lowest and highest, and its mean weighted by time. Pure.
 */
import type { LimitPoint } from '../core/types.js';
import type { LimitFigures } from './types.js';

/**
 * The limit's figures from its history (a point at the start, then one per change) up to `end` (epoch
 * ms): each value counts for as long as it held. A history that ends at or before its start (nothing
 * ran) has its first value as its mean.
 *
 * @example limitFigures([{ time: 0, limit: 4 }, { time: 100, limit: 8 }], 400) // mean (4×100 + 8×300) ÷ 400 = 7
 */
export function limitFigures(history: readonly LimitPoint[], end: number): LimitFigures | undefined {
  const first = history[0];
  if (first === undefined) return undefined;
  let min = first.limit;
  let max = first.limit;
  let area = 0;
  for (const [i, point] of history.entries()) {
    if (point.limit < min) min = point.limit;
    if (point.limit > max) max = point.limit;
    const until = Math.min(end, history[i + 1]?.time ?? end);
    if (until > point.time) area += point.limit * (until - point.time);
  }
  const span = end - first.time;
  return { start: first.limit, min, max, mean: span > 0 ? area / span : first.limit };
}
