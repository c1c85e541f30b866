/**
 * Statistics over repeated runs: pure functions, no clocks, no I/O.
 */

/** A set of samples reduced to the figures the reports show. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  stddev: number;
  count: number;
}

/**
 * Runs vary widely when the slowest takes more than this many times the fastest: the machine was busy,
 * or the task's own time varies; either way one median says less than usual.
 */
export const WIDE_SPREAD_RATIO = 1.25;

/**
 * A run is an outlier when it lies more than this many robust standard deviations (1.4826 × MAD,
 * the median absolute deviation) from the median: hyperfine's rule, made for few, noisy samples.
 */
export const OUTLIER_SCORE = 10;

/** …and more than this fraction away from the median, so identical runs (MAD = 0) do not trip the rule. */
export const OUTLIER_MIN_EXCESS = 0.05;

/** MAD × this estimates the standard deviation of normally distributed samples. */
const MAD_TO_STDDEV = 1.4826;

function expectSamples(samples: readonly number[]): void {
  if (samples.length === 0) throw new RangeError('Expected at least one sample, got none');
}

export function median(samples: readonly number[]): number {
  expectSamples(samples);
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function mean(samples: readonly number[]): number {
  expectSamples(samples);
  let sum = 0;
  for (const x of samples) sum += x;
  return sum / samples.length;
}

/** The sample standard deviation (divides by n − 1); 0 for a single sample. */
export function stddev(samples: readonly number[]): number {
  expectSamples(samples);
  if (samples.length === 1) return 0;
  const m = mean(samples);
  let squares = 0;
  for (const x of samples) squares += (x - m) ** 2;
  return Math.sqrt(squares / (samples.length - 1));
}

export function min(samples: readonly number[]): number {
  expectSamples(samples);
  return Math.min(...samples);
}

export function max(samples: readonly number[]): number {
  expectSamples(samples);
  return Math.max(...samples);
}

export function summarize(samples: readonly number[]): Summary {
  return {
    median: median(samples),
    min: min(samples),
    max: max(samples),
    mean: mean(samples),
    stddev: stddev(samples),
    count: samples.length,
  };
}

/** The median absolute deviation from the median. */
export function mad(samples: readonly number[]): number {
  const m = median(samples);
  return median(samples.map((x) => Math.abs(x - m)));
}

/**
 * Each sample's distance from the median in robust standard deviations (1.4826 × MAD). Where MAD is 0,
 * a sample equal to the median scores 0 and any other scores ±Infinity.
 */
export function modifiedZScores(samples: readonly number[]): number[] {
  const m = median(samples);
  const scale = MAD_TO_STDDEV * mad(samples);
  return samples.map((x) => {
    if (x === m) return 0;
    if (scale === 0) return x > m ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return (x - m) / scale;
  });
}

/** Something about a set of runs that makes its median less trustworthy. */
export type SpreadWarning =
  | { kind: 'wide-spread'; ratio: number }
  | { kind: 'slow-first-run'; first: number; median: number }
  | { kind: 'outliers'; count: number };

function isOutlier(x: number, score: number, m: number): boolean {
  return Math.abs(score) > OUTLIER_SCORE && Math.abs(x - m) > OUTLIER_MIN_EXCESS * Math.abs(m);
}

/**
 * Warnings in hyperfine's manner, for samples in the order they were taken: the slowest run far above
 * the fastest (max / min > WIDE_SPREAD_RATIO); the first run slower than the rest by far (an outlier:
 * caches not yet warm, or a warm-up that was too short); other outliers. Needs three samples to judge
 * outliers and two to judge the spread.
 */
export function spreadWarnings(samples: readonly number[]): SpreadWarning[] {
  const warnings: SpreadWarning[] = [];
  if (samples.length < 2) return warnings;
  const lo = min(samples);
  const hi = max(samples);
  const ratio = lo > 0 ? hi / lo : hi > 0 ? Number.POSITIVE_INFINITY : 1;
  if (ratio > WIDE_SPREAD_RATIO) warnings.push({ kind: 'wide-spread', ratio });
  if (samples.length < 3) return warnings;
  const m = median(samples);
  const scores = modifiedZScores(samples);
  const first = samples[0]!;
  if (first > m && isOutlier(first, scores[0]!, m)) {
    warnings.push({ kind: 'slow-first-run', first, median: m });
    return warnings;
  }
  const count = samples.filter((x, i) => isOutlier(x, scores[i]!, m)).length;
  if (count > 0) warnings.push({ kind: 'outliers', count });
  return warnings;
}

/** The q-th quantile (0..1) by linear interpolation between closest ranks; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  return low + (sorted[above]! - low) * (position - below);
}

/** `part / whole`, or 0 when the whole is 0. */
export function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}
