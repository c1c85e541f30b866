import { formatCount, formatDuration } from '../../core/units.js';
import { limitSeriesChart } from './charts/limit-series.js';
import { latencyChart, throughputChart } from './charts/probes.js';
import { wallCpuChart } from './charts/wall-cpu.js';
import type { EncodedTimeline } from './encode.js';
import { escapeHtml } from './escape.js';
import { figuresTable } from './figures-table.js';
import {
  describeConcurrency,
  describeRow,
  displayName,
  laneMeaning,
  strategyClass,
  verdictLabel,
} from './strategy.js';
import type { ReportSection, ReportStrategy } from './types.js';

/** The anchor of section `s` (0-based). */
export function sectionId(s: number): string {
  return `job-${s + 1}`;
}

/** One job: the verdict first, then the pictures, then the figures. */
export function sectionHtml(
  section: ReportSection,
  s: number,
  timelines: (EncodedTimeline | null)[],
): string {
  const id = sectionId(s);
  const parts = [
    `<section class="job" id="${id}" aria-labelledby="${id}-title">`,
    `<h2 id="${id}-title">${escapeHtml(section.title)}</h2>`,
    `<p class="meta">task <code>${escapeHtml(section.task)}</code> · ${escapeHtml(formatCount(section.inputs))} inputs</p>`,
    verdictHtml(section),
    findingHtml(section),
    listHtml('summary', section.summary),
    warningsHtml(section.warnings),
    timelinesHtml(section.strategies, s, timelines),
    limitsHtml(section.strategies),
  ];
  if (section.strategies.length > 0) {
    parts.push(
      '<h3>Wall time and CPU time</h3>',
      `<figure class="chart-figure">${wallCpuChart(section.strategies)}</figure>`,
    );
  }
  if (section.probes !== undefined && section.probes.length > 0) {
    const latency = latencyChart(section.probes, section.verdict);
    parts.push(
      `<h3>Throughput against ${escapeHtml(section.probesAxis?.name ?? 'concurrency')}</h3>`,
      `<p class="note">${escapeHtml(
        section.probesNote ??
          'Each point is one probe: a sample of the inputs run at that concurrency. ' +
            'Throughput stops rising at the knee; past it, latency climbs.',
      )}</p>`,
      `<figure class="chart-figure">${throughputChart(section.probes, section.verdict, section.probesAxis)}</figure>`,
    );
    if (latency !== null) parts.push(`<figure class="chart-figure">${latency}</figure>`);
  }
  parts.push('<h3>The figures</h3>', figuresTable(section), '</section>');
  return parts.join('\n');
}

/** Each adaptive row's limit over time beside throughput and latency, in the run its timeline is of. */
function limitsHtml(strategies: readonly ReportStrategy[]): string {
  const figures = strategies.flatMap((strategy) => {
    const limit = strategy.limit;
    const chart =
      limit?.series && limitSeriesChart(limit.series, limit.perWorker ? 'limit per worker' : 'limit');
    if (!chart) return [];
    const which = strategy.timelineRun ? ` (${strategy.timelineRun.choice})` : '';
    return [
      `<figure class="chart-figure ${strategyClass(strategy.strategy)}">${chart}<figcaption class="note">` +
        `<strong>${escapeHtml(displayName(strategy))}</strong>${escapeHtml(which)}: each point is a stretch of the run, ` +
        `the ${limit!.perWorker ? 'tasks in flight per worker allowed' : 'limit of tasks in flight'} at its end, ` +
        'the tasks that ended in it per second, and their mean latency. Hover a stretch for its figures.</figcaption></figure>',
    ];
  });
  if (figures.length === 0) return '';
  return `<h3>The adaptive limit over time</h3>${figures.join('')}`;
}

function verdictHtml(section: ReportSection): string {
  const verdict = section.verdict;
  if (verdict === undefined) return '';
  const how = describeConcurrency(verdict.strategy, verdict.concurrency);
  return (
    `<div class="verdict ${strategyClass(verdict.strategy)}">` +
    `<p class="verdict-line"><span class="kind">${escapeHtml(verdictLabel(verdict.kind))}</span> ` +
    `<span class="arrow" aria-hidden="true">→</span> use <strong>${escapeHtml(verdict.strategy)}</strong>, ` +
    `${escapeHtml(how)}</p>` +
    listHtml('reasons', verdict.reasons) +
    '</div>'
  );
}

/** compare's verdict: what won and by how much, or that the runs cannot tell the strategies apart. */
function findingHtml(section: ReportSection): string {
  const finding = section.finding;
  if (finding === undefined) return '';
  const look = finding.winner === undefined ? 'unsettled' : strategyClass(finding.winner);
  return (
    `<div class="verdict finding ${look}" role="note">` +
    `<p class="verdict-line"><span class="kind">${escapeHtml(finding.label)}</span> ` +
    `<strong>${escapeHtml(finding.head)}</strong>${escapeHtml(finding.rest)}</p>` +
    listHtml('margins', finding.margins) +
    '</div>'
  );
}

function listHtml(className: string, lines: readonly string[] | undefined): string {
  if (lines === undefined || lines.length === 0) return '';
  return `<ul class="${className}">${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
}

function warningsHtml(warnings: readonly string[] | undefined): string {
  if (warnings === undefined || warnings.length === 0) return '';
  const items = warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('');
  return `<div class="warnings" role="note"><p class="warnings-title">Warnings</p><ul>${items}</ul></div>`;
}

function timelinesHtml(
  strategies: readonly ReportStrategy[],
  s: number,
  timelines: (EncodedTimeline | null)[],
): string {
  if (strategies.length === 0) return '';
  const drawn = timelines.filter((t) => t !== null).length;
  const shared =
    drawn > 1
      ? `<label class="control"><input type="checkbox" data-shared-axis="${s}" checked> one time axis for every strategy (compare lengths)</label>`
      : '';
  const figures = strategies.map((strategy, k) => timelineFigure(strategy, s, k, timelines[k] ?? null));
  return (
    '<h3>Where the time went</h3>' +
    '<p class="note">Each bar is one task, from the moment it started to the moment it ended; each lane is ' +
    'what could run at once. Gaps are time a worker sat idle. Hover a bar for its input; drag across a ' +
    'timeline to zoom in, double-click to zoom out.</p>' +
    shared +
    figures.join('')
  );
}

/** Tasks a worker may hold at once: under an adaptive limit per worker, its bound, not where it started. */
/** The most lanes a worker can need: tasks in flight per worker, or the highest an adaptive one reached. */
function laneBound(strategy: ReportStrategy): number | undefined {
  const limit = strategy.limit;
  if (!limit?.perWorker) return strategy.inFlight;
  return Number.isFinite(limit.max) ? limit.max : limit.bounds.max;
}

function timelineFigure(
  strategy: ReportStrategy,
  s: number,
  k: number,
  timeline: EncodedTimeline | null,
): string {
  const name = escapeHtml(displayName(strategy));
  const how = escapeHtml(describeRow(strategy));
  if (timeline === null) {
    return (
      `<figure class="timeline ${strategyClass(strategy.strategy)}"><figcaption><strong>${name}</strong> · ${how}</figcaption>` +
      `<p class="empty">No timeline was recorded for ${name}.</p></figure>`
    );
  }
  const extent = formatDuration(timeline.spanMs);
  const tasks = formatCount(timeline.tasks);
  const lanes = formatCount(timeline.laneLabel.length);
  const label = `Timeline of ${displayName(strategy)}: ${tasks} tasks in ${lanes} lanes over ${extent}`;
  // From the run's start when it is known, so the start-up (spawning, loading, setup) is on the picture.
  const span = timeline.fromRunStart
    ? `${extent} from the run's start to the last end, the first ${formatDuration(timeline.startupMs)} start-up before the first task`
    : `${extent} from the first start to the last end`;
  const which = strategy.timelineRun ? ` · ${strategy.timelineRun.choice}` : '';
  return (
    `<figure class="timeline ${strategyClass(strategy.strategy)}">` +
    `<figcaption><strong>${name}</strong> · ${how} · ${escapeHtml(tasks)} tasks in ${escapeHtml(lanes)} ` +
    `${timeline.laneLabel.length === 1 ? 'lane' : 'lanes'} · ` +
    `${escapeHtml(span)}${escapeHtml(which)}</figcaption>` +
    `<div class="timeline-wrap"><canvas class="timeline-canvas" data-section="${s}" data-timeline="${k}" ` +
    `role="img" aria-label="${escapeHtml(label)}"></canvas><div class="brush" hidden></div>` +
    '<div class="hover-mark" hidden></div>' +
    '<button type="button" class="reset-zoom" hidden>zoom out</button></div>' +
    `<p class="lane-note">${escapeHtml(laneMeaning(strategy.strategy, laneBound(strategy)))}</p>` +
    '</figure>'
  );
}
