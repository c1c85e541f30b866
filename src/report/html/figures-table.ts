import {
  formatBytes,
  formatCount,
  formatDuration,
  formatDurationRange,
  formatPercent,
  formatRate,
  formatRatio,
  formatSignificant,
} from '../../core/units.js';
import { formatLevel } from '../../measure/configuration.js';
import { FAILED_RATE_MARK, formatMeanSigma } from '../model.js';
import { escapeHtml } from './escape.js';
import { describeConcurrency, displayName, strategyClass } from './strategy.js';
import type { ReportSection, ReportStrategy } from './types.js';

const COLUMNS = [
  ['strategy', 'the model that ran the tasks'],
  [
    'concurrency',
    'tasks in flight at once: workers for threads and processes (N×K: N workers with K tasks in flight each), promises for async; adaptive: a limit that moved while the job ran (its range and time-weighted mean beneath)',
  ],
  ['wall time', 'median elapsed time of the measured runs'],
  ['mean ± σ', 'mean wall time ± its standard deviation over the runs (— for one run)'],
  ['range', 'wall time of the fastest and the slowest run'],
  ['CPU', 'user + system time of every thread and process'],
  ['cores busy', 'CPU time ÷ wall time: how many cores were kept busy on average'],
  ['peak RSS', 'largest resident memory of the whole process tree'],
  [
    'tasks/s',
    'tasks ended per second, failed ones included (median of the runs); † marks a row whose inputs failed, where the rate counts work not done',
  ],
  [
    'speed-up',
    'wall time of sequential ÷ wall time of this strategy; — where inputs failed under either, as a failed task is no measure of the work',
  ],
  ['efficiency', 'speed-up ÷ concurrency (or ÷ cores)'],
  ['failed', 'inputs that ended in an error'],
] as const;

/** The figures behind the charts, one row per strategy; the recommended one highlighted. */
export function figuresTable(section: ReportSection): string {
  const head = COLUMNS.map(
    ([name, hint]) => `<th scope="col" title="${escapeHtml(hint)}">${escapeHtml(name)}</th>`,
  );
  const rows = section.strategies.map((s) => row(s, section.verdict?.strategy === displayName(s)));
  return (
    '<div class="table-wrap"><table class="figures">' +
    `<thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** The level as the CLI writes it; under an adaptive limit, what it did beneath. */
function levelCell(s: ReportStrategy): string {
  const level = s.level ?? formatLevel(s.concurrency, s.inFlight);
  const limit = s.limit;
  if (limit === undefined) {
    return `<td title="${escapeHtml(describeConcurrency(s.strategy, s.concurrency, s.inFlight))}">${escapeHtml(level)}</td>`;
  }
  const what = limit.perWorker ? 'tasks in flight per worker' : 'limit of tasks in flight';
  const title =
    `${what} moved while the job ran, within ${formatCount(limit.bounds.min)}–${formatCount(limit.bounds.max)}: ` +
    `from ${formatCount(limit.start)}, between ${formatCount(limit.min)} and ${formatCount(limit.max)}, ` +
    `${formatSignificant(limit.mean)} on average over the run (time-weighted; the median of the runs')`;
  const figures =
    limit.min === limit.max
      ? `stayed at ${formatCount(limit.min)}`
      : `${formatCount(limit.min)}–${formatCount(limit.max)}, mean ${formatSignificant(limit.mean)}`;
  return (
    `<td title="${escapeHtml(title)}">${escapeHtml(level)}` +
    `<span class="limit-figures">${escapeHtml(figures)}</span></td>`
  );
}

function row(s: ReportStrategy, recommended: boolean): string {
  const coresBusy = s.wallMs.median > 0 ? s.cpuMs / s.wallMs.median : Number.NaN;
  const cells = [
    formatDuration(s.wallMs.median),
    formatMeanSigma({
      mean: s.wallMs.mean ?? s.wallMs.median,
      stddev: s.wallMs.stddev ?? 0,
      count: s.wallMs.runs ?? 1,
    }),
    formatDurationRange(s.wallMs.min, s.wallMs.max),
    formatDuration(s.cpuMs),
    formatSignificant(coresBusy),
    formatBytes(s.peakRssBytes),
    s.failed > 0 ? `${formatRate(s.tasksPerSecond)} ${FAILED_RATE_MARK}` : formatRate(s.tasksPerSecond),
    formatRatio(s.speedup),
    formatPercent(s.efficiency),
    formatCount(s.failed),
  ];
  const mark = recommended ? ' <span class="badge">recommended</span>' : '';
  const failedClass = s.failed > 0 ? ' class="bad"' : '';
  return (
    `<tr class="${strategyClass(s.strategy)}${recommended ? ' recommended' : ''}">` +
    `<th scope="row"><span class="swatch"></span>${escapeHtml(displayName(s))}${mark}</th>` +
    levelCell(s) +
    cells.map((c, i) => `<td${i === cells.length - 1 ? failedClass : ''}>${escapeHtml(c)}</td>`).join('') +
    '</tr>'
  );
}
