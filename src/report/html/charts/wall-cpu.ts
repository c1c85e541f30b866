import { formatDuration } from '../../../core/units.js';
import { formatTick, niceStep, ticksBetween, timeUnit } from '../shared.js';
import { describeRow, displayName, strategyClass } from '../strategy.js';
import { px, svgRoot, svgText, svgTitle } from '../svg.js';
import type { ReportStrategy } from '../types.js';

const WIDTH = 760;
const LABEL_WIDTH = 150;
const VALUE_ROOM = 120;
const LEGEND_HEIGHT = 52;
const ROW_HEIGHT = 50;
const AXIS_HEIGHT = 46;
const TARGET_TICKS = 6;

/**
 * One row per strategy: a bar for the median wall time with a whisker from the fastest to the slowest
 * run, and below it a thinner bar for the CPU time — CPU above wall means several cores were busy.
 */
export function wallCpuChart(strategies: readonly ReportStrategy[]): string {
  const values = strategies.flatMap((s) => [s.wallMs.median, s.wallMs.min, s.wallMs.max, s.cpuMs]);
  const largest = Math.max(0, ...values.filter(Number.isFinite));
  const step = niceStep(largest > 0 ? largest : 1, TARGET_TICKS);
  const axisMax = Math.max(step, Math.ceil(largest / step) * step);
  const { divisor, unit } = timeUnit(axisMax);
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_ROOM;
  const x = (ms: number): number => LABEL_WIDTH + (Math.max(0, Math.min(ms, axisMax)) / axisMax) * plotWidth;
  const plotBottom = LEGEND_HEIGHT + strategies.length * ROW_HEIGHT;
  const height = plotBottom + AXIS_HEIGHT;

  const parts: string[] = [legend()];
  for (const tick of ticksBetween(0, axisMax, step)) {
    parts.push(
      `<line class="grid" x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${LEGEND_HEIGHT - 4}" y2="${plotBottom}"/>`,
      svgText(x(tick), plotBottom + 16, formatTick(tick, divisor, step), 'tick', 'middle'),
    );
  }
  parts.push(svgText(LABEL_WIDTH + plotWidth / 2, plotBottom + 38, `time (${unit})`, 'axis-title', 'middle'));

  let marks = 0;
  strategies.forEach((s, row) => {
    const top = LEGEND_HEIGHT + row * ROW_HEIGHT;
    const cls = strategyClass(s.strategy);
    parts.push(
      svgText(LABEL_WIDTH - 10, top + 18, displayName(s), 'row-label', 'end'),
      svgText(LABEL_WIDTH - 10, top + 34, describeRow(s), 'row-note', 'end'),
    );
    if (Number.isFinite(s.wallMs.median)) {
      marks++;
      const wallTitle =
        `${displayName(s)}: wall time median ${formatDuration(s.wallMs.median)}, ` +
        `fastest ${formatDuration(s.wallMs.min)}, slowest ${formatDuration(s.wallMs.max)}`;
      parts.push(
        `<rect class="bar wall ${cls}" x="${LABEL_WIDTH}" y="${top + 6}" width="${px(x(s.wallMs.median) - LABEL_WIDTH)}" height="18">${svgTitle(wallTitle)}</rect>`,
      );
      let valueX = x(s.wallMs.median);
      if (Number.isFinite(s.wallMs.min) && Number.isFinite(s.wallMs.max)) {
        const y = top + 15;
        const [x1, x2] = [x(s.wallMs.min), x(s.wallMs.max)];
        parts.push(
          `<path class="whisker" d="M${px(x1)} ${y}H${px(x2)}M${px(x1)} ${y - 5}v10M${px(x2)} ${y - 5}v10"/>`,
        );
        valueX = Math.max(valueX, x2);
      }
      parts.push(svgText(valueX + 6, top + 20, formatDuration(s.wallMs.median), 'value'));
    }
    if (Number.isFinite(s.cpuMs)) {
      marks++;
      parts.push(
        `<rect class="bar cpu ${cls}" x="${LABEL_WIDTH}" y="${top + 29}" width="${px(x(s.cpuMs) - LABEL_WIDTH)}" height="11">${svgTitle(`${displayName(s)}: CPU time ${formatDuration(s.cpuMs)}`)}</rect>`,
        svgText(x(s.cpuMs) + 6, top + 38, `CPU ${formatDuration(s.cpuMs)}`, 'value dim'),
      );
    }
  });
  parts.push(
    `<line class="axis" x1="${LABEL_WIDTH}" x2="${LABEL_WIDTH}" y1="${LEGEND_HEIGHT - 4}" y2="${plotBottom}"/>`,
  );

  const label = `Wall time and CPU time per strategy, in ${unit}`;
  return svgRoot(WIDTH, height, 'wall-cpu', label, marks, parts.join(''));
}

function legend(): string {
  return (
    `<rect class="legend-swatch" x="${LABEL_WIDTH}" y="6" width="22" height="12"/>` +
    svgText(
      LABEL_WIDTH + 30,
      16,
      'median wall time of the runs; whisker from the fastest to the slowest run',
      'legend',
    ) +
    `<rect class="legend-swatch cpu" x="${LABEL_WIDTH}" y="25" width="22" height="10"/>` +
    svgText(LABEL_WIDTH + 30, 34, 'CPU time: user + system, every thread and process', 'legend')
  );
}
