/** The words of `fanout run` on stderr (pure: values in, strings out). */
import type { JobProgress } from '../run/job.js';
import type { RunSummary } from '../run/run.js';

const count = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return count.format(Math.round(value));
}

/** `1 input`, `2 inputs`, `1,000 inputs`. */
export function formatPlural(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${Math.round(value) === 1 ? singular : plural}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export interface ProgressFigures extends JobProgress {
  total: number | undefined;
  /** Inputs per second, lately; undefined until there is a measurement. */
  rate: number | undefined;
}

/** `1,234/10,000 (12%) · 456/s · ETA 20 s · 3 failed · 8 in flight · 2 waiting to retry` */
export function formatProgress(figures: ProgressFigures): string {
  const { done, total, rate, failed, inFlight, waitingRetry } = figures;
  const parts: string[] = [];
  if (total !== undefined && total > 0) {
    parts.push(`${formatCount(done)}/${formatCount(total)} (${Math.floor((100 * done) / total)}%)`);
  } else {
    parts.push(`${formatCount(done)} done`);
  }
  parts.push(rate === undefined ? '…/s' : `${formatCount(rate)}/s`);
  if (total !== undefined && rate !== undefined && rate > 0 && done < total) {
    parts.push(`ETA ${formatDuration(((total - done) / rate) * 1000)}`);
  }
  parts.push(`${formatCount(failed)} failed`);
  parts.push(`${formatCount(inFlight)} in flight`);
  if (waitingRetry > 0) parts.push(`${formatCount(waitingRetry)} waiting to retry`);
  return parts.join(' · ');
}

/** The summary, one line per fact worth saying (a fatal error is the caller's to print). */
export function formatSummary(summary: RunSummary, outLabel: string): string[] {
  const recorded = summary.ok + summary.failed + summary.aborted;
  const seconds = summary.elapsedMs / 1000;
  const rate = seconds > 0 ? ` (${formatCount(recorded / seconds)}/s)` : '';
  const lines = [
    `${formatPlural(recorded, 'input')} recorded in ${formatDuration(summary.elapsedMs)}${rate}: ` +
      `${formatCount(summary.ok)} ok, ${formatCount(summary.failed)} failed` +
      `${summary.aborted > 0 ? `, ${formatCount(summary.aborted)} aborted` : ''}` +
      ` · ${summary.strategy} ×${summary.concurrency} → ${outLabel}`,
  ];
  if (summary.reasons !== undefined) {
    lines.push(
      `auto chose ${summary.strategy} ×${summary.concurrency}:`,
      ...summary.reasons.map((r) => `  ${r}`),
    );
  }
  const { prior } = summary;
  if (prior !== undefined) {
    const repairs: string[] = [];
    if (prior.tornBytes > 0) repairs.push(`repaired a torn last line (${prior.tornBytes} bytes cut)`);
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
  if (summary.abortedBy !== undefined) {
    lines.push(
      `aborted by ${summary.abortedBy}: ${formatPlural(summary.aborted, 'in-flight input')} recorded as aborted ` +
        '(--resume runs aborted inputs again)',
    );
  }
  if (summary.fatal !== undefined) {
    lines.push('not finished: continue with --resume once the cause is fixed');
  } else if (!summary.complete) {
    const unread = summary.unrecorded > 0 ? `${formatCount(summary.unrecorded)} read but not recorded, ` : '';
    lines.push(
      `stopped by ${summary.stoppedBy ?? 'request'}: ${unread}the rest not read; continue with --resume`,
    );
  }
  return lines;
}
