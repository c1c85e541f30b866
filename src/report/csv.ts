/**
 * The comparison as CSV, one row per configuration, as hyperfine's `--export-csv`: raw numbers in
 * plain units (seconds, bytes, tasks per second), for a spreadsheet or a script. Pure: values in, a
 * string out.
 *
 * A moving limit is written in the notation of `--concurrency`: `adaptive` (or `adaptive:4-256`) in
 * the column of the number that moved (`concurrency` for async, `in_flight` for the hybrid), and what
 * it did in the last columns, `limit_min`, `limit_max` and `limit_mean` (time-weighted, the median of
 * the runs'), empty for a fixed row.
 */
import type { Comparison, StrategyMeasurement } from '../measure/types.js';

export const CSV_COLUMNS = [
  'name',
  'strategy',
  'concurrency',
  'in_flight',
  'runs',
  'median_s',
  'mean_s',
  'stddev_s',
  'min_s',
  'max_s',
  'cpu_s',
  'peak_rss_bytes',
  'tasks_per_s',
  'speedup',
  'efficiency',
  'failed',
  'limit_min',
  'limit_max',
  'limit_mean',
] as const;

/** A field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value: string | number | undefined): string {
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const seconds = (ms: number): number => ms / 1000;

function csvRow(s: StrategyMeasurement): string {
  const adaptive = s.adaptive;
  const limit = adaptive?.limit;
  return [
    s.name,
    s.strategy,
    adaptive?.moves === 'concurrency' ? adaptive.setting : s.concurrency,
    adaptive?.moves === 'inFlight' ? adaptive.setting : s.inFlight,
    s.runs.length,
    seconds(s.wallMs.median),
    seconds(s.wallMs.mean),
    seconds(s.wallMs.stddev),
    seconds(s.wallMs.min),
    seconds(s.wallMs.max),
    seconds(s.cpuMs.median),
    Math.round(s.peakRss.median),
    s.throughput.median,
    s.speedup,
    s.efficiency,
    s.failed,
    limit?.min,
    limit?.max,
    limit?.mean,
  ]
    .map(field)
    .join(',');
}

/** A header line, then one line per configuration, each ending with CRLF as RFC 4180 has it. */
export function renderCsv(c: Comparison): string {
  return `${[CSV_COLUMNS.join(','), ...c.strategies.map(csvRow)].join('\r\n')}\r\n`;
}
