import type {
  ClientCanvas,
  ClientContext,
  ClientElement,
  ClientInput,
  ClientPointerEvent,
  ClientWindow,
} from './client-dom.js';
import type { EncodedTimeline } from './encode.js';
import {
  firstEndingAfter,
  float32Column,
  formatCount,
  formatDuration,
  formatTick,
  laneLayout,
  niceStep,
  taskAt,
  ticksBetween,
  timeUnit,
  uint32Column,
} from './shared.js';

/** What the page embeds for its script: the timelines, per section, in strategy order. */
export interface ClientPayload {
  sections: { strategies: string[]; timelines: (EncodedTimeline | null)[] }[];
}

/**
 * The page's script: draws every timeline on a canvas (at the screen's pixel density), shows a tooltip
 * for the bar under the pointer, zooms on a drag. It runs in the browser, inlined with
 * `Function.prototype.toString` next to the helpers of shared.ts, so it refers to nothing else.
 * When done it sets `data-rendered` on <body> and on each canvas, for the browser test.
 */
export function reportClient(win: ClientWindow): void {
  // Layout of a timeline, in CSS px.
  const GUTTER = 100;
  const RIGHT = 16;
  const TOP = 4;
  const AXIS = 40;
  const TICK_SPACING_PX = 90;
  const LABEL_SPACING_PX = 13;
  /** Bars at least this wide are drawn one by one with a 1 px gap; narrower ones merge into busy runs. */
  const DISTINCT_PX = 3;
  const HOVER_TOLERANCE_PX = 3;
  const MIN_DRAG_PX = 5;
  const MIN_VIEW_MS = 1e-3;
  const TOOLTIP_OFFSET_PX = 14;
  const NO_INDEX = 0xffffffff;

  interface View {
    from: number;
    to: number;
  }
  interface Timeline {
    canvas: ClientCanvas;
    brush: ClientElement;
    mark: ClientElement;
    reset: ClientElement;
    section: number;
    strategy: string;
    lanes: number;
    spanMs: number;
    laneStart: number[];
    laneLabel: string[];
    laneWorker: number[];
    start: Float32Array;
    duration: Float32Array;
    index: Uint32Array;
    own: View;
    laneHeight: number;
    plotHeight: number;
    plotWidth: number;
    scale: number;
    view: View;
  }

  const started = win.performance.now();
  const doc = win.document;
  const source = doc.getElementById('fanout-data');
  const tooltip = doc.getElementById('fanout-tooltip');
  if (source === null || tooltip === null) return;
  const payload = JSON.parse(source.textContent ?? '{"sections":[]}') as ClientPayload;

  const timelines: Timeline[] = [];
  for (const element of Array.from(doc.querySelectorAll('canvas[data-timeline]'))) {
    const canvas = element as ClientCanvas;
    const section = Number(canvas.dataset.section);
    const k = Number(canvas.dataset.timeline);
    const encoded = payload.sections[section]?.timelines[k];
    const wrap = canvas.closest('.timeline-wrap');
    const brush = wrap?.querySelector('.brush');
    const reset = wrap?.querySelector('.reset-zoom');
    const mark = wrap?.querySelector('.hover-mark');
    if (encoded == null || brush == null || reset == null || mark == null) continue;
    const spanMs = encoded.spanMs > 0 ? encoded.spanMs : 1;
    timelines.push({
      canvas,
      brush,
      mark,
      reset,
      section,
      strategy: payload.sections[section]?.strategies[k] ?? '',
      lanes: encoded.laneLabel.length,
      spanMs,
      laneStart: encoded.laneStart,
      laneLabel: encoded.laneLabel,
      laneWorker: encoded.laneWorker,
      start: float32Column(encoded.start),
      duration: float32Column(encoded.duration),
      index: uint32Column(encoded.index),
      own: { from: 0, to: spanMs },
      laneHeight: 1,
      plotHeight: 1,
      plotWidth: 1,
      scale: 1,
      view: { from: 0, to: spanMs },
    });
  }

  // With a shared axis (the default), every timeline of a section spans the longest one, so lengths compare.
  const shared = payload.sections.map(() => true);
  const sectionFull = payload.sections.map((_, s) => ({
    from: 0,
    to: Math.max(1e-9, ...timelines.filter((t) => t.section === s).map((t) => t.spanMs)),
  }));
  const sectionView = sectionFull.map((v) => ({ ...v }));

  function viewOf(t: Timeline): View {
    return shared[t.section] ? (sectionView[t.section] ?? t.own) : t.own;
  }
  function fullViewOf(t: Timeline): View {
    return shared[t.section] ? (sectionFull[t.section] ?? t.own) : { from: 0, to: t.spanMs };
  }

  function draw(t: Timeline): void {
    const dpr = win.devicePixelRatio || 1;
    const cssWidth = Math.max(GUTTER + RIGHT + 40, t.canvas.clientWidth);
    const { laneHeight, plotHeight } = laneLayout(t.lanes);
    const cssHeight = TOP + plotHeight + AXIS;
    t.canvas.style.height = `${cssHeight}px`;
    t.canvas.width = Math.round(cssWidth * dpr);
    t.canvas.height = Math.round(cssHeight * dpr);
    const ctx = t.canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);

    const style = win.getComputedStyle(t.canvas);
    const colour = (name: string, fallback: string): string =>
      style.getPropertyValue(name).trim() || fallback;
    const view = viewOf(t);
    const plotWidth = cssWidth - GUTTER - RIGHT;
    const scale = plotWidth / (view.to - view.from);
    const plotBottom = TOP + plotHeight;
    Object.assign(t, { laneHeight, plotHeight, plotWidth, scale, view });

    if (laneHeight >= 6) {
      ctx.fillStyle = colour('--stripe', 'rgba(128,128,128,0.08)');
      for (let lane = 1; lane < t.lanes; lane += 2)
        ctx.fillRect(GUTTER, TOP + lane * laneHeight, plotWidth, laneHeight);
    }
    drawAxis(ctx, t, view, plotBottom, colour('--grid', '#ccc'), colour('--muted', '#666'));
    drawLaneLabels(ctx, t, laneHeight, colour('--muted', '#666'));

    ctx.save();
    ctx.beginPath();
    ctx.rect(GUTTER, 0, plotWidth, cssHeight);
    ctx.clip();
    ctx.fillStyle = colour('--c', '#888');
    const counts = drawBars(ctx, t, view, scale, laneHeight, 1 / dpr);
    ctx.restore();

    t.mark.hidden = true;
    t.reset.hidden = view.from === fullViewOf(t).from && view.to === fullViewOf(t).to;
    t.canvas.dataset.rendered = 'true';
    t.canvas.dataset.tasks = String(counts.tasks);
    t.canvas.dataset.rects = String(counts.rects);
    t.canvas.dataset.lanes = String(t.lanes);
  }

  function drawAxis(
    ctx: ClientContext,
    t: Timeline,
    view: View,
    plotBottom: number,
    grid: string,
    muted: string,
  ) {
    const span = view.to - view.from;
    const step = niceStep(span, Math.max(2, Math.floor(t.plotWidth / TICK_SPACING_PX)));
    const { divisor, unit } = timeUnit(span);
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.beginPath();
    for (const tick of ticksBetween(view.from, view.to, step)) {
      const x = Math.round(GUTTER + (tick - view.from) * t.scale) + 0.5;
      ctx.moveTo(x, TOP);
      ctx.lineTo(x, plotBottom + 4);
      ctx.fillText(formatTick(tick, divisor, step), x, plotBottom + 7);
    }
    ctx.moveTo(GUTTER, plotBottom + 0.5);
    ctx.lineTo(GUTTER + t.plotWidth, plotBottom + 0.5);
    ctx.stroke();
    ctx.fillText(`time since the first task started (${unit})`, GUTTER + t.plotWidth / 2, plotBottom + 23);
  }

  function drawLaneLabels(ctx: ClientContext, t: Timeline, laneHeight: number, muted: string): void {
    const every = Math.max(1, Math.ceil(LABEL_SPACING_PX / laneHeight));
    ctx.fillStyle = muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let lane = 0; lane < t.lanes; lane += every) {
      // Thin lanes: keep the first label clear of the canvas's top edge.
      const y = Math.max(TOP + LABEL_SPACING_PX / 2, TOP + (lane + 0.5) * laneHeight);
      ctx.fillText(t.laneLabel[lane] ?? '', GUTTER - 8, y);
    }
  }

  /** Only the tasks in view are visited (binary search to the first); sub-pixel neighbours merge. */
  function drawBars(
    ctx: ClientContext,
    t: Timeline,
    view: View,
    scale: number,
    laneHeight: number,
    pixel: number,
  ) {
    const inset = laneHeight >= 6 ? Math.min(3, laneHeight * 0.18) : 0;
    const height = Math.max(pixel, laneHeight - 2 * inset);
    let tasks = 0;
    let rects = 0;
    for (let lane = 0; lane < t.lanes; lane++) {
      const y = TOP + lane * laneHeight + inset;
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
      for (let i = firstEndingAfter(t.start, t.duration, from, to, view.from); i < to; i++) {
        const s = t.start[i] ?? 0;
        if (s > view.to) break;
        const x0 = GUTTER + (s - view.from) * scale;
        const x1 = x0 + (t.duration[i] ?? 0) * scale;
        tasks++;
        if (x1 - x0 >= DISTINCT_PX) {
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

  let pending = false;
  function redrawAll(): void {
    if (pending) return;
    pending = true;
    win.requestAnimationFrame(() => {
      pending = false;
      for (const t of timelines) draw(t);
    });
  }

  function setView(t: Timeline, view: View): void {
    if (shared[t.section]) {
      sectionView[t.section] = view;
      for (const other of timelines) if (other.section === t.section) draw(other);
    } else {
      t.own = view;
      draw(t);
    }
  }

  function hit(t: Timeline, x: number, y: number): number {
    const lane = Math.floor((y - TOP) / t.laneHeight);
    if (lane < 0 || lane >= t.lanes || x < GUTTER || x > GUTTER + t.plotWidth) return -1;
    const time = t.view.from + (x - GUTTER) / t.scale;
    const from = t.laneStart[lane] ?? 0;
    const to = t.laneStart[lane + 1] ?? from;
    return taskAt(t.start, t.duration, from, to, time, HOVER_TOLERANCE_PX / t.scale);
  }

  function laneOf(t: Timeline, task: number): number {
    let lane = 0;
    while (lane + 1 < t.lanes && (t.laneStart[lane + 1] ?? 0) <= task) lane++;
    return lane;
  }

  function hideHover(t: Timeline): void {
    t.mark.hidden = true;
    if (tooltip !== null) tooltip.hidden = true;
  }

  /** Outlines the bar under the pointer (an element over the canvas: no redraw) and shows its tooltip. */
  function showTooltip(t: Timeline, task: number, event: ClientPointerEvent): void {
    if (tooltip === null) return;
    const index = t.index[task] ?? NO_INDEX;
    const lane = laneOf(t, task);
    const worker = t.laneWorker[lane] ?? 0;
    const start = t.start[task] ?? 0;
    const x0 = Math.max(GUTTER, GUTTER + (start - t.view.from) * t.scale);
    const x1 = Math.min(
      GUTTER + t.plotWidth,
      GUTTER + (start + (t.duration[task] ?? 0) - t.view.from) * t.scale,
    );
    t.mark.style.left = `${x0 - 1}px`;
    t.mark.style.width = `${Math.max(3, x1 - x0 + 2)}px`;
    t.mark.style.top = `${TOP + lane * t.laneHeight - 1}px`;
    t.mark.style.height = `${Math.max(3, t.laneHeight + 2)}px`;
    t.mark.hidden = false;
    tooltip.textContent = [
      `${t.strategy} · input #${index === NO_INDEX ? '?' : formatCount(index)}`,
      worker === 0 ? 'worker 0 (the main thread)' : `worker ${formatCount(worker)}`,
      `took ${formatDuration(t.duration[task] ?? 0)}`,
      `from +${formatDuration(start)} to +${formatDuration(start + (t.duration[task] ?? 0))}`,
    ].join('\n');
    tooltip.hidden = false;
    const left = Math.min(event.clientX + TOOLTIP_OFFSET_PX, win.innerWidth - tooltip.offsetWidth - 4);
    const below = event.clientY + TOOLTIP_OFFSET_PX;
    const top =
      below + tooltip.offsetHeight > win.innerHeight ? event.clientY - tooltip.offsetHeight - 8 : below;
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${Math.max(4, top)}px`;
  }

  function listen(t: Timeline): void {
    let dragFrom = -1;
    let dragTo = -1;
    const local = (event: ClientPointerEvent): { x: number; y: number } => {
      const rect = t.canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    };
    const clampX = (x: number): number => Math.min(GUTTER + t.plotWidth, Math.max(GUTTER, x));
    t.canvas.addEventListener('pointerdown', (event) => {
      const { x } = local(event);
      if (event.button !== 0 || x < GUTTER) return;
      dragFrom = clampX(x);
      dragTo = dragFrom;
      t.canvas.setPointerCapture(event.pointerId);
    });
    t.canvas.addEventListener('pointermove', (event) => {
      const { x, y } = local(event);
      if (dragFrom >= 0) {
        dragTo = clampX(x);
        t.brush.hidden = Math.abs(dragTo - dragFrom) < MIN_DRAG_PX;
        t.brush.style.left = `${Math.min(dragFrom, dragTo)}px`;
        t.brush.style.width = `${Math.abs(dragTo - dragFrom)}px`;
        t.brush.style.top = `${TOP}px`;
        t.brush.style.height = `${t.plotHeight}px`;
        hideHover(t);
        return;
      }
      const task = hit(t, x, y);
      if (task < 0) hideHover(t);
      else showTooltip(t, task, event);
    });
    t.canvas.addEventListener('pointerup', () => {
      const width = Math.abs(dragTo - dragFrom);
      if (dragFrom >= 0 && width >= MIN_DRAG_PX) {
        const at = (x: number): number => t.view.from + (x - GUTTER) / t.scale;
        const from = at(Math.min(dragFrom, dragTo));
        setView(t, { from, to: Math.max(from + MIN_VIEW_MS, at(Math.max(dragFrom, dragTo))) });
      }
      dragFrom = -1;
      t.brush.hidden = true;
    });
    t.canvas.addEventListener('pointerleave', () => {
      if (dragFrom < 0) hideHover(t);
    });
    t.canvas.addEventListener('dblclick', () => setView(t, { ...fullViewOf(t) }));
    t.reset.addEventListener('click', () => setView(t, { ...fullViewOf(t) }));
  }

  for (const element of Array.from(doc.querySelectorAll('input[data-shared-axis]'))) {
    const input = element as ClientInput;
    input.addEventListener('change', () => {
      const s = Number(input.dataset.sharedAxis);
      shared[s] = input.checked;
      const full = sectionFull[s];
      if (full !== undefined) sectionView[s] = { ...full };
      for (const t of timelines) if (t.section === s) t.own = { from: 0, to: t.spanMs };
      redrawAll();
    });
  }

  for (const t of timelines) {
    listen(t);
    draw(t);
  }
  win.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', redrawAll);
  if (win.ResizeObserver !== undefined) {
    const observer = new win.ResizeObserver(redrawAll);
    for (const t of timelines) observer.observe(t.canvas);
  } else {
    win.addEventListener('resize', redrawAll);
  }
  doc.body.dataset.timelines = String(timelines.length);
  doc.body.dataset.renderMs = (win.performance.now() - started).toFixed(1);
  doc.body.dataset.rendered = 'true';
}
