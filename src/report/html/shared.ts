/**
 * Pure helpers used both while the page is built (in Node) and by the page's own script. Each one is
 * copied into the HTML with `Function.prototype.toString`, so it may call only the others in this
 * file, core/units.ts's and language built-ins: no other imports, no module-level constants.
 */
import { groupThousands } from '../../core/units.js';

// The units are page helpers too: re-exported, so that the page's script embeds them with the rest.
export * from '../../core/units.js';

/** A round step (1, 2 or 5 × 10ⁿ) that cuts `span` into about `target` pieces. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0) || !(target >= 1)) return 1;
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const factor = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  return factor * magnitude;
}

/** The multiples of `step` between `from` and `to`, inclusive, free of floating-point dust. */
export function ticksBetween(from: number, to: number, step: number): number[] {
  const MAX_TICKS = 200;
  const ticks: number[] = [];
  if (!(step > 0) || !Number.isFinite(from) || !Number.isFinite(to)) return ticks;
  const epsilon = step * 1e-9;
  for (let k = Math.ceil((from - epsilon) / step); k * step <= to + epsilon; k++) {
    ticks.push(Number((k * step).toPrecision(12)));
    if (ticks.length >= MAX_TICKS) break;
  }
  return ticks;
}

/** The unit a time axis over `spanMs` is labelled in: s from 2 s up, µs below 2 ms, else ms. */
export function timeUnit(spanMs: number): { divisor: number; unit: string } {
  if (spanMs >= 2000) return { divisor: 1000, unit: 's' };
  if (spanMs < 2) return { divisor: 0.001, unit: '\u00b5s' };
  return { divisor: 1, unit: 'ms' };
}

/** A tick label: `value` in the axis unit, with as many decimals as the step needs and no more. */
export function formatTick(value: number, divisor: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step / divisor) - 1e-9)));
  return groupThousands(Number((value / divisor).toFixed(decimals)));
}

/** How tall each lane of a timeline is, in CSS px: roomy for a few workers, thin for hundreds. */
export function laneLayout(lanes: number): { laneHeight: number; plotHeight: number } {
  const MAX_LANE_PX = 22;
  const MIN_LANE_PX = 1.5;
  const TARGET_PLOT_PX = 360;
  const MAX_PLOT_PX = 640;
  const count = Math.max(1, lanes);
  const laneHeight = Math.min(MAX_LANE_PX, Math.max(MIN_LANE_PX, TARGET_PLOT_PX / count));
  const plotHeight = Math.min(MAX_PLOT_PX, laneHeight * count);
  return { laneHeight: plotHeight / count, plotHeight };
}

/**
 * In one lane's tasks `[from, to)` — sorted by start and not overlapping, so their ends are sorted too —
 * the first whose end is at or after `time`.
 */
export function firstEndingAfter(
  start: ArrayLike<number>,
  duration: ArrayLike<number>,
  from: number,
  to: number,
  time: number,
): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((start[mid] ?? 0) + (duration[mid] ?? 0) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * In one lane's tasks `[from, to)`, the task under `time`, or else the nearest one within `tolerance`
 * (both in ms); -1 when there is none. A binary search: no scan of the lane.
 */
export function taskAt(
  start: ArrayLike<number>,
  duration: ArrayLike<number>,
  from: number,
  to: number,
  time: number,
  tolerance: number,
): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((start[mid] ?? 0) <= time) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestDistance = tolerance;
  const before = lo - 1;
  if (before >= from) {
    const past = time - ((start[before] ?? 0) + (duration[before] ?? 0));
    const distance = Math.max(past, 0);
    if (distance <= bestDistance) {
      best = before;
      bestDistance = distance;
    }
  }
  if (lo < to && (start[lo] ?? 0) - time < bestDistance) best = lo;
  return best;
}

/** Bytes from base64 (the page's columns are little-endian typed arrays, base64-encoded). */
export function bytesFromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A little-endian Float32 column, decoded whatever the reader's byte order. */
export function float32Column(text: string): Float32Array {
  const bytes = bytesFromBase64(text);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const column = new Float32Array(bytes.byteLength >>> 2);
  for (let i = 0; i < column.length; i++) column[i] = view.getFloat32(i * 4, true);
  return column;
}

/** A little-endian Uint32 column, decoded whatever the reader's byte order. */
export function uint32Column(text: string): Uint32Array {
  const bytes = bytesFromBase64(text);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const column = new Uint32Array(bytes.byteLength >>> 2);
  for (let i = 0; i < column.length; i++) column[i] = view.getUint32(i * 4, true);
  return column;
}
