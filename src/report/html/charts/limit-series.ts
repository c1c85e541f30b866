/**
 * An adaptive run over time: the limit, the throughput and the latency, three panels on one time
 * axis, so a cut of the limit can be read against the latency that caused it and the throughput it
 * cost. Server-rendered SVG: it needs no script. Values in, a string out.
 */
import type { LimitBucket } from '../../../core/types.js';
import { formatCount, formatLongDuration, formatRate } from '../../../core/units.js';
import { px, svgRoot, svgText, svgTitle } from '../svg.js';

const WIDTH = 760;
/** Room on the left for the panels' names and their largest value, and on the right for the last tick. */
const LEFT = 92;
const RIGHT = 16;
const PANEL_HEIGHT = 96;
const PANEL_GAP = 30;
const TOP = 10;
/** Below the last panel: the time axis and its label. */
const BOTTOM = 40;
/** The time axis is marked at about this many places. */
const TICKS = 6;

interface Panel {
  key: 'limit' | 'throughput' | 'latency';
  name: string;
  values: (number | undefined)[];
  format: (value: number) => string;
  /** A step (the limit holds until it changes), or a line through each stretch's middle. */
  step: boolean;
}

/** A round step for `span` cut into about `count` pieces: 1, 2 or 5 × a power of ten. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

/**
 * The chart, or undefined for a run with nothing to draw. `label` names the limit: `limit` or
 * `limit per worker`.
 */
export function limitSeriesChart(series: readonly LimitBucket[], label = 'limit'): string | undefined {
  if (series.length === 0) return undefined;
  const start = series[0]!.start;
  const span = Math.max(1, series.at(-1)!.end - start);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (time: number): number => LEFT + ((time - start) / span) * plotWidth;
  const panels: Panel[] = [
    { key: 'limit', name: label, values: series.map((b) => b.limit), format: formatCount, step: true },
    {
      key: 'throughput',
      name: 'tasks/s',
      values: series.map((b) => (b.end > b.start ? (1000 * b.done) / (b.end - b.start) : undefined)),
      format: (v) => formatRate(v),
      step: false,
    },
    {
      key: 'latency',
      name: 'latency',
      values: series.map((b) => b.latencyMs),
      format: formatLongDuration,
      step: false,
    },
  ];
  const parts: string[] = [];
  panels.forEach((panel, p) => {
    const top = TOP + p * (PANEL_HEIGHT + PANEL_GAP);
    const known = panel.values.filter((v): v is number => v !== undefined);
    const max = Math.max(0, ...known);
    const y = (value: number): number => top + PANEL_HEIGHT - (max > 0 ? (value / max) * PANEL_HEIGHT : 0);
    let path = '';
    let pen = false;
    series.forEach((bucket, i) => {
      const value = panel.values[i];
      if (value === undefined) {
        pen = false;
        return;
      }
      if (panel.step) {
        path += `${pen ? 'L' : 'M'}${px(x(bucket.start))} ${px(y(value))}L${px(x(bucket.end))} ${px(y(value))}`;
      } else {
        path += `${pen ? 'L' : 'M'}${px(x((bucket.start + bucket.end) / 2))} ${px(y(value))}`;
      }
      pen = true;
    });
    const marks = series
      .map((bucket, i) => {
        const value = panel.values[i];
        if (value === undefined) return '';
        const at = formatLongDuration(bucket.start - start);
        return `<rect class="hit" x="${px(x(bucket.start))}" y="${top}" width="${px(Math.max(1, x(bucket.end) - x(bucket.start)))}" height="${PANEL_HEIGHT}">${svgTitle(`${at}: ${panel.name} ${panel.format(value)}`)}</rect>`;
      })
      .join('');
    parts.push(
      `<g class="panel" data-panel="${panel.key}">` +
        `<rect class="frame" x="${LEFT}" y="${top}" width="${plotWidth}" height="${PANEL_HEIGHT}"/>` +
        svgText(LEFT - 8, top + 12, panel.name, 'axis-name', 'end') +
        svgText(LEFT - 8, top + 28, known.length > 0 ? panel.format(max) : '—', 'axis', 'end') +
        // Every panel's scale starts at zero, latency's too: its lower label says so.
        svgText(LEFT - 8, top + PANEL_HEIGHT, '0', 'axis', 'end') +
        `<path class="series s-${panel.key}" d="${path}"/>` +
        marks +
        '</g>',
    );
  });
  const axisTop = TOP + panels.length * (PANEL_HEIGHT + PANEL_GAP) - PANEL_GAP;
  const step = niceStep(span, TICKS);
  const ticks: string[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) {
    ticks.push(
      `<line class="tick" x1="${px(x(start + t))}" x2="${px(x(start + t))}" y1="${axisTop}" y2="${axisTop + 5}"/>` +
        svgText(x(start + t), axisTop + 18, formatLongDuration(t), 'axis', 'middle'),
    );
  }
  parts.push(`<g class="time-axis">${ticks.join('')}</g>`);
  parts.push(svgText(LEFT + plotWidth / 2, axisTop + 34, 'time since the run started', 'axis', 'middle'));
  const height = axisTop + BOTTOM;
  return svgRoot(
    WIDTH,
    height,
    'limit-series',
    `${label}, tasks per second and latency over ${formatLongDuration(span)}`,
    series.length,
    parts.join(''),
  );
}
