import { formatCount, formatDuration, formatRate } from '../../../core/units.js';
import { escapeHtml } from '../escape.js';
import { formatTick, niceStep, ticksBetween } from '../shared.js';
import { strategyClass } from '../strategy.js';
import { px, svgRoot, svgText, svgTitle } from '../svg.js';
import type { ReportProbe, ReportSection } from '../types.js';

const WIDTH = 760;
const HEIGHT = 300;
const MARGIN = { left: 76, right: 24, top: 40, bottom: 54 } as const;
const TARGET_TICKS = 5;
/** Above this ratio of largest to smallest concurrency, the x axis is logarithmic (base 2). */
const LOG_SCALE_RATIO = 8;
/** Up to this many probed levels, every one gets its own tick label. */
const MAX_LABELLED_LEVELS = 12;
const LEGEND_ITEM_WIDTH = 130;

interface Series {
  strategy: string;
  dashed: boolean;
  name: string;
  points: { x: number; y: number; title: string }[];
}

type Verdict = ReportSection['verdict'];
type Axis = ReportSection['probesAxis'];

/** The x axis of the advisor's probes: concurrency. */
const CONCURRENCY_AXIS = { name: 'concurrency', unit: 'tasks in flight' } as const;

/** Throughput against concurrency (or the level `axis` names), one line per strategy; the recommended level marked. */
export function throughputChart(probes: readonly ReportProbe[], verdict: Verdict, axis?: Axis): string {
  const series = byStrategy(probes).map(([strategy, list]) => ({
    strategy,
    dashed: false,
    name: axis?.series ?? strategy,
    points: list
      .filter((p) => Number.isFinite(p.tasksPerSecond))
      .map((p) => ({
        x: p.concurrency,
        y: p.tasksPerSecond,
        title: axis
          ? `${axis.series ?? p.strategy} at ${axis.name} = ${formatCount(p.concurrency)}: ${formatRate(p.tasksPerSecond, 'tasks')}`
          : probeTitle(p),
      })),
  }));
  return lineChart('throughput', series, verdict, 'throughput (tasks/s)', axis ?? CONCURRENCY_AXIS);
}

/** Latency per task against concurrency: p95 solid, p50 dashed. Null when no probe measured latency. */
export function latencyChart(probes: readonly ReportProbe[], verdict: Verdict): string | null {
  if (!probes.some((p) => isFiniteNumber(p.p95Ms) || isFiniteNumber(p.p50Ms))) return null;
  const series: Series[] = [];
  for (const [strategy, list] of byStrategy(probes)) {
    for (const [key, dashed] of [
      ['p95Ms', false],
      ['p50Ms', true],
    ] as const) {
      const points = list
        .filter((p) => isFiniteNumber(p[key]))
        .map((p) => ({ x: p.concurrency, y: p[key] ?? 0, title: probeTitle(p) }));
      const name = `${strategy} ${key === 'p95Ms' ? 'p95' : 'p50'}`;
      if (points.length > 0) series.push({ strategy, dashed, name, points });
    }
  }
  return lineChart('latency', series, verdict, 'latency per task (ms)', CONCURRENCY_AXIS);
}

function lineChart(
  chart: string,
  series: readonly Series[],
  verdict: Verdict,
  yTitle: string,
  axis: { name: string; unit: string },
): string {
  const all = series.flatMap((s) => s.points);
  const levels = [...new Set(all.map((p) => p.x))].filter((x) => x > 0).sort((a, b) => a - b);
  const xMin = levels[0] ?? 1;
  const xMax = levels[levels.length - 1] ?? 1;
  const log = xMax / xMin >= LOG_SCALE_RATIO;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotBottom = HEIGHT - MARGIN.bottom;
  const plotHeight = plotBottom - MARGIN.top;
  const toUnit = (c: number): number => {
    if (xMax === xMin) return 0.5;
    return log ? Math.log2(c / xMin) / Math.log2(xMax / xMin) : (c - xMin) / (xMax - xMin);
  };
  const x = (c: number): number => MARGIN.left + toUnit(c) * plotWidth;
  const yLargest = Math.max(0, ...all.map((p) => p.y));
  const yStep = niceStep(yLargest > 0 ? yLargest : 1, TARGET_TICKS);
  const yMax = Math.max(yStep, Math.ceil(yLargest / yStep) * yStep);
  const y = (v: number): number => plotBottom - (Math.max(0, v) / yMax) * plotHeight;

  const parts: string[] = [];
  for (const tick of ticksBetween(0, yMax, yStep)) {
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${px(y(tick))}" y2="${px(y(tick))}"/>`,
      // A tick is a round number on an axis whose unit its title says: as many decimals as the step needs.
      svgText(MARGIN.left - 8, y(tick) + 4, formatTick(tick, 1, yStep), 'tick', 'end'),
    );
  }
  for (const level of concurrencyTicks(levels, xMin, xMax, log)) {
    parts.push(
      `<line class="grid" x1="${px(x(level))}" x2="${px(x(level))}" y1="${MARGIN.top}" y2="${plotBottom}"/>`,
      svgText(x(level), plotBottom + 16, formatCount(level), 'tick', 'middle'),
    );
  }
  const xTitle = `${axis.name} (${axis.unit}${log ? ', log scale' : ''})`;
  parts.push(
    `<path class="axis" d="M${MARGIN.left} ${MARGIN.top}V${plotBottom}H${WIDTH - MARGIN.right}"/>`,
    svgText(MARGIN.left + plotWidth / 2, HEIGHT - 12, xTitle, 'axis-title', 'middle'),
    `<text class="axis-title" text-anchor="middle" transform="translate(16 ${px(MARGIN.top + plotHeight / 2)}) rotate(-90)">${escapeHtml(yTitle)}</text>`,
  );

  if (
    verdict !== undefined &&
    series.some((s) => s.strategy === verdict.strategy) &&
    verdict.concurrency > 0
  ) {
    const at = x(verdict.concurrency);
    parts.push(
      `<line class="marker" x1="${px(at)}" x2="${px(at)}" y1="${MARGIN.top}" y2="${plotBottom}"/>`,
      svgText(at + 4, MARGIN.top + 12, `recommended: ${formatCount(verdict.concurrency)}`, 'marker-label'),
    );
  }

  let marks = 0;
  series.forEach((s, i) => {
    const cls = `${strategyClass(s.strategy)}${s.dashed ? ' dashed' : ''}`;
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    const d = sorted.map((p, k) => `${k === 0 ? 'M' : 'L'}${px(x(p.x))} ${px(y(p.y))}`).join('');
    parts.push(`<path class="line ${cls}" d="${d}"/>`);
    for (const p of sorted) {
      marks++;
      parts.push(
        `<circle class="point ${cls}" cx="${px(x(p.x))}" cy="${px(y(p.y))}" r="4">${svgTitle(p.title)}</circle>`,
      );
    }
    const lx = MARGIN.left + i * LEGEND_ITEM_WIDTH;
    parts.push(
      `<path class="line ${cls}" d="M${lx} 16h22"/>`,
      `<circle class="point legend ${cls}" cx="${lx + 11}" cy="16" r="3.5"/>`,
      svgText(lx + 28, 20, s.name, 'legend'),
    );
  });

  const label = `${yTitle} against ${axis.name}`;
  return svgRoot(WIDTH, HEIGHT, chart, label, marks, parts.join(''));
}

/** The levels labelled on the x axis: every probed one when they are few, else round ones. */
export function concurrencyTicks(
  levels: readonly number[],
  xMin: number,
  xMax: number,
  log: boolean,
): number[] {
  if (levels.length <= MAX_LABELLED_LEVELS) return [...levels];
  if (!log) return ticksBetween(xMin, xMax, niceStep(xMax - xMin, TARGET_TICKS));
  const ticks: number[] = [];
  for (let p = 2 ** Math.ceil(Math.log2(xMin)); p <= xMax; p *= 2) ticks.push(p);
  return ticks;
}

function byStrategy(probes: readonly ReportProbe[]): [string, ReportProbe[]][] {
  const map = new Map<string, ReportProbe[]>();
  for (const probe of probes) {
    if (!(probe.concurrency > 0)) continue;
    const list = map.get(probe.strategy);
    if (list === undefined) map.set(probe.strategy, [probe]);
    else list.push(probe);
  }
  return [...map];
}

function probeTitle(p: ReportProbe): string {
  const latency = [
    isFiniteNumber(p.p50Ms) ? `p50 ${formatDuration(p.p50Ms)}` : '',
    isFiniteNumber(p.p95Ms) ? `p95 ${formatDuration(p.p95Ms)}` : '',
  ].filter((s) => s !== '');
  const tail = latency.length > 0 ? `, ${latency.join(', ')}` : '';
  return `${p.strategy} at concurrency ${formatCount(p.concurrency)}: ${formatRate(p.tasksPerSecond, 'tasks')}${tail}`;
}

function isFiniteNumber(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}
