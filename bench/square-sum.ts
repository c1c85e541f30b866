/** The CPU-bound workload of table 2, shared by the driver and its child: sizes, inputs, the true answers. */

/**
 * The size of one task: sum(i*i for i in range(n)) for n = BASE_N + i, as the seed does for 5,000,000
 * (which takes a few ms in JavaScript). At most 94,906,266, the largest n the exact task accepts.
 */
export const BASE_N = 60_000_000;

/** Calibration times one task this many times, after one untimed call. */
export const CALIBRATION_RUNS = 5;

export interface Calibration {
  /** Medians, for table 3. */
  exactMs: number;
  plainMs: number;
  /** The fastest exact run, for sizing table 2: load can only make the real runs slower than this. */
  exactBestMs: number;
}

export interface CpuSample {
  samples: number[];
}

/** The true value, from the closed form (n-1)·n·(2n-1)/6. */
export function squareSumExact(n: number): bigint {
  const big = BigInt(n);
  return ((big - 1n) * big * (2n * big - 1n)) / 6n;
}

export function inputsFor(count: number): number[] {
  return Array.from({ length: count }, (_, i) => BASE_N + i);
}
