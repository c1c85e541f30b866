import {
  firstEndingAfter,
  formatTick,
  laneLayout,
  niceStep,
  taskAt,
  ticksBetween,
  timeUnit,
} from '../shared.js';
import type { ClientContext, ClientWindow } from './dom.js';
import type { Timeline, View } from './model.js';

/*
 * Drawing and hit-testing a timeline. Like shared.ts, every function here is inlined into the page with
 * Function.prototype.toString: each may call only the others, shared.ts's, and built-ins.
 */

/** Where things are on a timeline canvas, in CSS px (a function, because the page gets no constants). */
export function geometry() {
  return {
    gutter: 100,
    right: 16,
    top: 4,
    axis: 40,
    tickSpacing: 90,
    labelSpacing: 13,
    /** Bars at least this wide are drawn one by one with a 1 px gap; narrower ones merge into busy runs. */
    distinct: 3,
    hoverTolerance: 3,
  };
}

/** Draws `t` over `view` at the screen's pixel density; records the layout on `t`; returns what it drew. */
export function drawTimeline(win: ClientWindow, t: Timeline, view: View): { tasks: number; rects: number } {
  const g = geometry();
  const dpr = win.devicePixelRatio || 1;
  const cssWidth = Math.max(g.gutter + g.right + 40, t.canvas.clientWidth);
  const { laneHeight, plotHeight } = laneLayout(t.lanes);
  const cssHeight = g.top + plotHeight + g.axis;
  t.canvas.style.height = `${cssHeight}px`;
  t.canvas.width = Math.round(cssWidth * dpr);
  t.canvas.height = Math.round(cssHeight * dpr);
  const plotWidth = cssWidth - g.gutter - g.right;
  Object.assign(t, { laneHeight, plotHeight, plotWidth, scale: plotWidth / (view.to - view.from), view });
  const ctx = t.canvas.getContext('2d');
  if (ctx === null) return { tasks: 0, rects: 0 };
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);

  const style = win.getComputedStyle(t.canvas);
  const colour = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  if (laneHeight >= 6) {
    ctx.fillStyle = colour('--stripe', 'rgba(128,128,128,0.08)');
    for (let lane = 1; lane < t.lanes; lane += 2) {
      ctx.fillRect(g.gutter, g.top + lane * laneHeight, plotWidth, laneHeight);
    }
  }
  drawAxis(ctx, t, colour('--grid', '#ccc'), colour('--muted', '#666'));
  drawLaneLabels(ctx, t, colour('--muted', '#666'));

  ctx.save();
  ctx.beginPath();
  ctx.rect(g.gutter, 0, plotWidth, cssHeight);
  ctx.clip();
  drawStartup(ctx, t, colour('--startup', 'rgba(128,128,128,0.18)'), colour('--muted', '#666'));
  ctx.fillStyle = colour('--c', '#888');
  const counts = drawBars(ctx, t, 1 / dpr);
  ctx.restore();
  return counts;
}

export function drawAxis(ctx: ClientContext, t: Timeline, grid: string, muted: string): void {
  const g = geometry();
  const span = t.view.to - t.view.from;
  const step = niceStep(span, Math.max(2, Math.floor(t.plotWidth / g.tickSpacing)));
  const { divisor, unit } = timeUnit(span);
  const bottom = g.top + t.plotHeight;
  ctx.strokeStyle = grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = muted;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  for (const tick of ticksBetween(t.view.from, t.view.to, step)) {
    const x = Math.round(g.gutter + (tick - t.view.from) * t.scale) + 0.5;
    ctx.moveTo(x, g.top);
    ctx.lineTo(x, bottom + 4);
    ctx.fillText(formatTick(tick, divisor, step), x, bottom + 7);
  }
  ctx.moveTo(g.gutter, bottom + 0.5);
  ctx.lineTo(g.gutter + t.plotWidth, bottom + 0.5);
  ctx.stroke();
  const since = t.fromRunStart ? 'the run started' : 'the first task started';
  ctx.fillText(`time since ${since} (${unit})`, g.gutter + t.plotWidth / 2, bottom + 23);
}

/** The start-up, before the first task: a hatched band across every lane, labelled where it fits. */
export function drawStartup(ctx: ClientContext, t: Timeline, fill: string, muted: string): void {
  const g = geometry();
  if (!(t.startupMs > 0)) return;
  const x0 = g.gutter + (0 - t.view.from) * t.scale;
  const x1 = g.gutter + (t.startupMs - t.view.from) * t.scale;
  if (x1 <= g.gutter || x1 - x0 < 1) return;
  ctx.fillStyle = fill;
  ctx.fillRect(x0, g.top, x1 - x0, t.plotHeight);
  const label = 'start-up';
  ctx.font = '11px system-ui, sans-serif';
  if (x1 - Math.max(x0, g.gutter) > ctx.measureText(label).width + 8) {
    ctx.fillStyle = muted;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(label, Math.max(x0, g.gutter) + 4, g.top + 2);
  }
}

export function drawLaneLabels(ctx: ClientContext, t: Timeline, muted: string): void {
  const g = geometry();
  const every = Math.max(1, Math.ceil(g.labelSpacing / t.laneHeight));
  ctx.fillStyle = muted;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let lane = 0; lane < t.lanes; lane += every) {
    // Thin lanes: keep the first label clear of the canvas's top edge.
    const y = Math.max(g.top + g.labelSpacing / 2, g.top + (lane + 0.5) * t.laneHeight);
    ctx.fillText(t.laneLabel[lane] ?? '', g.gutter - 8, y);
  }
}

/** Only the tasks in view are visited (binary search to the first); sub-pixel neighbours merge. */
export function drawBars(ctx: ClientContext, t: Timeline, pixel: number): { tasks: number; rects: number } {
  const g = geometry();
  const inset = t.laneHeight >= 6 ? Math.min(3, t.laneHeight * 0.18) : 0;
  const height = Math.max(pixel, t.laneHeight - 2 * inset);
  let tasks = 0;
  let rects = 0;
  for (let lane = 0; lane < t.lanes; lane++) {
    const y = g.top + lane * t.laneHeight + inset;
    const from = t.laneStart[lane] ?? 0;
    const to = t.laneStart[lane + 1] ?? from;
    let runFrom = 0;
    let runTo = -1;
    const flush = (): void => {
      if (runTo < 0) return;
      ctx.globalAlpha = 1;
      ctx.fillRect(runFrom, y, Math.max(pixel, runTo - runFrom), height);
      rects++;
      runTo = -1;
    };
    for (let i = firstEndingAfter(t.start, t.duration, from, to, t.view.from); i < to; i++) {
      const s = t.start[i] ?? 0;
      if (s > t.view.to) break;
      const x0 = g.gutter + (s - t.view.from) * t.scale;
      const x1 = x0 + (t.duration[i] ?? 0) * t.scale;
      tasks++;
      if (x1 - x0 >= g.distinct) {
        flush();
        ctx.globalAlpha = (i - from) % 2 === 0 ? 1 : 0.72;
        ctx.fillRect(x0, y, x1 - x0 - 1, height);
        rects++;
      } else if (runTo >= 0 && x0 - runTo <= pixel) {
        runTo = Math.max(runTo, x1);
      } else {
        flush();
        runFrom = x0;
        runTo = x1;
      }
    }
    flush();
  }
  ctx.globalAlpha = 1;
  return { tasks, rects };
}

/** The task under the point (x, y) in CSS px of the canvas, or -1. */
export function hitTask(t: Timeline, x: number, y: number): number {
  const g = geometry();
  const lane = Math.floor((y - g.top) / t.laneHeight);
  if (lane < 0 || lane >= t.lanes || x < g.gutter || x > g.gutter + t.plotWidth) return -1;
  const time = t.view.from + (x - g.gutter) / t.scale;
  const from = t.laneStart[lane] ?? 0;
  const to = t.laneStart[lane + 1] ?? from;
  return taskAt(t.start, t.duration, from, to, time, g.hoverTolerance / t.scale);
}

/** The lane that holds task `task` (lanes are contiguous runs of tasks). */
export function laneOfTask(t: Timeline, task: number): number {
  let lo = 0;
  let hi = t.lanes - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((t.laneStart[mid] ?? 0) <= task) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
