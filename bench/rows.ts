/** What the bench measured, and the pure arithmetic on it: rates, speed-ups, ratios and the targets. */
import { type Summary, summarize } from './stats.js';

export type Mode = 'run' | 'map';

export interface ThroughputRow {
  pool: string;
  runtime: string;
  mode: Mode;
  /** How the inputs were issued, in words. */
  how: string;
  inputs: number;
  /** Seconds per repetition; absent when the row was not measured. */
  samples?: number[];
  /** Why there is no number: not measured (and why), or the child's failure. */
  note?: string;
  failed?: boolean;
}

export interface CpuRow {
  strategy: string;
  samples?: number[];
  note?: string;
  failed?: boolean;
}

/** Tasks per second, median and spread over the repetitions (min–max of the rates). */
export function throughput(row: ThroughputRow): Summary | undefined {
  if (!row.samples?.length) return undefined;
  return summarize(row.samples.map((seconds) => row.inputs / seconds));
}

export function wallTime(row: CpuRow): Summary | undefined {
  return row.samples?.length ? summarize(row.samples) : undefined;
}

export function ratio(value: number | undefined, base: number | undefined): number | undefined {
  return value === undefined || base === undefined || base === 0 ? undefined : value / base;
}

export function findThroughput(
  rows: readonly ThroughputRow[],
  pool: string,
  runtime: string,
  mode: Mode,
): ThroughputRow | undefined {
  return rows.find((row) => row.pool === pool && row.runtime === runtime && row.mode === mode);
}

/** Median wall time of `sequential` ÷ median wall time of `row`. */
export function speedUp(rows: readonly CpuRow[], row: CpuRow): number | undefined {
  const sequential = rows.find((r) => r.strategy === 'sequential');
  return ratio(sequential && wallTime(sequential)?.median, wallTime(row)?.median);
}

export interface Target {
  name: string;
  /** A ratio from this run; met when measured >= required. */
  measured: number | undefined;
  required: number;
  unit: string;
}

export function isMet(target: Target): boolean | undefined {
  return target.measured === undefined ? undefined : target.measured >= target.required;
}

/** "met", or by how much it was missed, or that it could not be judged. */
export function verdict(target: Target): string {
  const met = isMet(target);
  if (met === undefined) return 'not measured';
  if (met) return 'met';
  const short = (1 - target.measured! / target.required) * 100;
  return `missed by ${short < 10 ? short.toFixed(1) : short.toFixed(0)}%`;
}
