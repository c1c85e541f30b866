/** The words of `fanout run` on stderr (pure: values in, strings out). */

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
  const { done, total, rate, failed, inFlight, waitingRetry, limit } = figures;
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
    `${formatCount(inFlight)} in flight${limit === undefined ? '' : ` (limit ${formatCount(limit)})`}`,
  );
  if (waitingRetry > 0) parts.push(`${formatCount(waitingRetry)} waiting to retry`);
  return parts.join(' · ');
}

/** `adaptive limit: from 64, between 7 and 71 during the run (bounds 1–1,000)` */
export function formatAdaptive(adaptive: NonNullable<RunSummary['adaptive']>): string {
  const { bounds, range, history } = adaptive;
  const start = history[0]?.limit ?? range.min;
  const moved =
    range.min === range.max
      ? `stayed at ${formatCount(start)}`
      : `from ${formatCount(start)}, between ${formatCount(range.min)} and ${formatCount(range.max)} during the run`;
  return `adaptive limit: ${moved} (bounds ${formatCount(bounds.min)}–${formatCount(bounds.max)})`;
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
  if (summary.adaptive !== undefined) lines.push(formatAdaptive(summary.adaptive));
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
  const level = summary.adaptive ? 'adaptive' : formatLevel(summary.concurrency, summary.inFlight);
  return `${summary.strategy} ${level}`;
}
