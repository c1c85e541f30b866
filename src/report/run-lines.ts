/** The words of `fanout run` on stderr (pure: values in, strings out). */

import type { LimitBucket } from '../core/types.js';
import { formatBytes, formatCount, formatLongDuration, formatPercent, formatRate } from '../core/units.js';
import { formatLevel } from '../measure/configuration.js';
import type { JobProgress } from '../run/job.js';
import type { RunSummary } from '../run/run.js';

/** `1 input`, `2 inputs`, `1,000 inputs`. */
export function formatPlural(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${Math.round(value) === 1 ? singular : plural}`;
}

export interface ProgressFigures extends JobProgress {
  total: number | undefined;
  /** Inputs per second, lately; undefined until there is a measurement. */
  rate: number | undefined;
}

/** `1,234/10,000 (12 %) · 456 /s · ETA 20.0 s · 3 failed · 8 in flight (limit 12) · 2 waiting to retry` */
export function formatProgress(figures: ProgressFigures): string {
  const { done, total, rate, failed, inFlight, waitingRetry, limit, limitWorkers } = figures;
  const parts: string[] = [];
  if (total !== undefined && total > 0) {
    // Rounded down: 99.6 % done is not 100 %.
    const share = Math.floor((100 * done) / total) / 100;
    parts.push(`${formatCount(done)}/${formatCount(total)} (${formatPercent(share)})`);
  } else {
    parts.push(`${formatCount(done)} done`);
  }
  parts.push(rate === undefined ? '… /s' : formatRate(rate));
  if (total !== undefined && rate !== undefined && rate > 0 && done < total) {
    parts.push(`ETA ${formatLongDuration(((total - done) / rate) * 1000)}`);
  }
  parts.push(`${formatCount(failed)} failed`);
  parts.push(
    `${formatCount(inFlight)} in flight${limit === undefined ? '' : ` (limit ${limitWorkers === undefined ? '' : `${formatCount(limitWorkers)}×`}${formatCount(limit)})`}`,
  );
  if (waitingRetry > 0) parts.push(`${formatCount(waitingRetry)} waiting to retry`);
  return parts.join(' · ');
}

/**
 * `adaptive limit: from 64, between 7 and 71 during the run (bounds 1–1,000)`, or under
 * `inFlight: 'adaptive'`, `adaptive tasks in flight per worker: from 64, …`.
 */
export function formatAdaptive(
  adaptive: Pick<NonNullable<RunSummary['adaptive']>, 'bounds' | 'range' | 'history' | 'perWorker'>,
): string {
  const { bounds, range, history, perWorker } = adaptive;
  const start = history[0]?.limit ?? range.min;
  const moved =
    range.min === range.max
      ? `stayed at ${formatCount(start)}`
      : `from ${formatCount(start)}, between ${formatCount(range.min)} and ${formatCount(range.max)} during the run`;
  const what = perWorker ? 'adaptive tasks in flight per worker' : 'adaptive limit';
  return `${what}: ${moved} (bounds ${formatCount(bounds.min)}–${formatCount(bounds.max)})`;
}

/** The eight heights of a sparkline, lowest first. */
const SPARKS = '▁▂▃▄▅▆▇█';
/** A sparkline is at most this many characters: stretches beyond are merged, two or more to one. */
export const SPARKLINE_WIDTH = 60;

/** One character per value, from ▁ (0) to █ (the largest); a space where there is no value. */
export function sparkline(values: readonly (number | undefined)[]): string {
  const max = Math.max(0, ...values.filter((v): v is number => v !== undefined));
  return values
    .map((value) => {
      if (value === undefined) return ' ';
      if (max === 0) return SPARKS[0];
      return SPARKS[Math.min(SPARKS.length - 1, Math.floor((value / max) * (SPARKS.length - 1) + 0.5))];
    })
    .join('');
}

/** Stretches merged so that at most SPARKLINE_WIDTH remain: counts add up, latency is weighted, the limit is the last. */
function mergeBuckets(series: readonly LimitBucket[]): LimitBucket[] {
  const per = Math.ceil(series.length / SPARKLINE_WIDTH);
  if (per <= 1) return [...series];
  const merged: LimitBucket[] = [];
  for (let i = 0; i < series.length; i += per) {
    const group = series.slice(i, i + per);
    const ok = group.reduce((sum, b) => sum + (b.latencyMs === undefined ? 0 : b.done - b.failed), 0);
    const weighted = group.reduce((sum, b) => sum + (b.latencyMs ?? 0) * (b.done - b.failed), 0);
    merged.push({
      start: group[0]!.start,
      end: group.at(-1)!.end,
      limit: group.at(-1)!.limit,
      done: group.reduce((sum, b) => sum + b.done, 0),
      failed: group.reduce((sum, b) => sum + b.failed, 0),
      latencyMs: ok > 0 ? weighted / ok : undefined,
    });
  }
  return merged;
}

/**
 * The limit over time beside throughput and latency, as three sparklines sharing one time axis. The
 * limit's is drawn from its value at each stretch's end, and its label says so: the summary's line
 * above gives the lowest and highest it reached at any moment, which a stretch can hide.
 *
 *   over 12.3 s, 62 stretches of 200 ms:
 *     limit    ▂▄██▆▃▁▁▂▄██  4–111 (at each stretch's end)
 *     tasks/s  ▃▅██▇▃▂▂▃▅██  0–1,234 /s
 *     latency  ▁▁▁▂█▆▂▁▁▁▁▁  52 ms–3.10 s (mean per stretch)
 */
export function formatSeries(series: readonly LimitBucket[]): string[] {
  if (series.length === 0) return [];
  const buckets = mergeBuckets(series);
  const span = buckets.at(-1)!.end - buckets[0]!.start;
  const width = buckets[0]!.end - buckets[0]!.start || span / buckets.length;
  const limits = buckets.map((b) => b.limit);
  const rates = buckets.map((b) => (b.end > b.start ? (1000 * b.done) / (b.end - b.start) : undefined));
  const latencies = buckets.map((b) => b.latencyMs);
  const known = (values: (number | undefined)[]): number[] =>
    values.filter((v): v is number => v !== undefined);
  const range = (values: number[], format: (v: number) => string): string =>
    values.length === 0 ? '—' : `${format(Math.min(...values))}–${format(Math.max(...values))}`;
  return [
    `over ${formatLongDuration(span)}, ${formatPlural(buckets.length, 'stretch', 'stretches')} of ${formatLongDuration(width)}:`,
    `  limit    ${sparkline(limits)}  ${range(limits, formatCount)} (at each stretch's end)`,
    `  tasks/s  ${sparkline(rates)}  ${range(known(rates), (v) => formatRate(v))}`,
    `  latency  ${sparkline(latencies)}  ${range(known(latencies), formatLongDuration)} (mean per stretch)`,
  ];
}

/** The summary, one line per fact worth saying (a fatal error is the caller's to print). */
export function formatSummary(summary: RunSummary, outLabel: string): string[] {
  const recorded = summary.ok + summary.failed + summary.aborted;
  const seconds = summary.elapsedMs / 1000;
  const rate = seconds > 0 ? ` (${formatRate(recorded / seconds)})` : '';
  const lines = [
    `${formatPlural(recorded, 'input')} recorded in ${formatLongDuration(summary.elapsedMs)}${rate}: ` +
      `${formatCount(summary.ok)} ok, ${formatCount(summary.failed)} failed` +
      `${summary.aborted > 0 ? `, ${formatCount(summary.aborted)} aborted` : ''}` +
      ` · ${configuration(summary)} → ${outLabel}`,
  ];
  if (summary.adaptive !== undefined) {
    lines.push(formatAdaptive(summary.adaptive));
    lines.push(...formatSeries(summary.adaptive.series));
  }
  if (summary.reasons !== undefined) {
    const cost =
      summary.advice === undefined
        ? ''
        : ` after ${formatLongDuration(summary.advice.costMs)} of advice, which ran ${formatPlural(summary.advice.kept, 'input')} of the job`;
    lines.push(`auto chose ${configuration(summary)}${cost}:`, ...summary.reasons.map((r) => `  ${r}`));
  }
  const { prior } = summary;
  if (prior !== undefined) {
    const repairs: string[] = [];
    if (prior.tornBytes > 0) repairs.push(`repaired a torn last line (${formatBytes(prior.tornBytes)} cut)`);
    if (prior.abortedRemoved > 0)
      repairs.push(`removed ${formatPlural(prior.abortedRemoved, 'aborted line')} to run again`);
    if (prior.duplicates > 0) repairs.push(`found ${formatPlural(prior.duplicates, 'duplicate line')}`);
    lines.push(
      `resumed: ${formatPlural(summary.skipped, 'input')} already recorded ` +
        `(${formatCount(prior.ok)} ok, ${formatCount(prior.failed)} failed in the file)` +
        (repairs.length > 0 ? `; ${repairs.join('; ')}` : ''),
    );
  }
  if (summary.retried > 0) lines.push(formatPlural(summary.retried, 'retry', 'retries'));
  // --resume continues a regular file only: after stdout, a FIFO or a device, saying so would be false.
  const again = summary.resumable
    ? 'continue with --resume'
    : `${outLabel} cannot be resumed (--resume needs a regular file): run again from the start`;
  if (summary.abortedBy !== undefined) {
    const note = summary.resumable ? ' (--resume runs aborted inputs again)' : '';
    lines.push(
      `aborted by ${summary.abortedBy}: ${formatPlural(summary.aborted, 'in-flight input')} recorded as aborted${note}`,
    );
  }
  if (summary.fatal !== undefined) {
    lines.push(`not finished: ${again} once the cause is fixed`);
  } else if (!summary.complete) {
    const unread = summary.unrecorded > 0 ? `${formatCount(summary.unrecorded)} read but not recorded, ` : '';
    lines.push(`stopped by ${summary.stoppedBy ?? 'request'}: ${unread}the rest not read; ${again}`);
  }
  return lines;
}

/**
 * The notation of compare and the advisor (measure/configuration.ts): `threads 2`, `threads 2×32` for
 * 2 workers with 32 tasks in flight on each (the hybrid), `async adaptive`, and `sequential` alone.
 */
function configuration(
  summary: Pick<RunSummary, 'strategy' | 'concurrency' | 'inFlight' | 'adaptive'>,
): string {
  if (summary.strategy === 'sequential') return summary.strategy;
  if (summary.adaptive?.perWorker) return `${summary.strategy} ${summary.concurrency}×adaptive`;
  const level = summary.adaptive ? 'adaptive' : formatLevel(summary.concurrency, summary.inFlight);
  return `${summary.strategy} ${level}`;
}
