import { float32Column, uint32Column } from '../shared.js';
import type { ClientCanvas, ClientElement, ClientInput, ClientPointerEvent, ClientWindow } from './dom.js';
import { drawTimeline, geometry, hitTask } from './draw.js';
import { hideHover, showHover } from './hover.js';
import type { ClientPayload, Timeline, View } from './model.js';

/**
 * The page's script: draws every timeline on a canvas, shows a tooltip for the bar under the pointer,
 * zooms on a drag, redraws on resize and on a change of colour scheme. It runs in the browser, inlined
 * with `Function.prototype.toString` after the helpers of shared.ts, draw.ts and hover.ts.
 * When done it sets `data-rendered` on <body> and on each canvas, for the browser test.
 */
export function reportClient(win: ClientWindow): void {
  const MIN_DRAG_PX = 5;
  const MIN_VIEW_MS = 1e-3;
  const started = win.performance.now();
  const doc = win.document;
  const source = doc.getElementById('fanout-data');
  const tooltip = doc.getElementById('fanout-tooltip');
  if (source === null || tooltip === null) return;
  const payload = JSON.parse(source.textContent ?? '{"sections":[]}') as ClientPayload;
  const g = geometry();

  const timelines: Timeline[] = [];
  for (const element of Array.from(doc.querySelectorAll('canvas[data-timeline]'))) {
    const canvas = element as ClientCanvas;
    const section = Number(canvas.dataset.section);
    const k = Number(canvas.dataset.timeline);
    const encoded = payload.sections[section]?.timelines[k];
    const wrap = canvas.closest('.timeline-wrap');
    const brush = wrap?.querySelector('.brush');
    const mark = wrap?.querySelector('.hover-mark');
    const reset = wrap?.querySelector('.reset-zoom');
    if (encoded == null || brush == null || mark == null || reset == null) continue;
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
      startupMs: encoded.startupMs ?? 0,
      fromRunStart: encoded.fromRunStart === true,
      laneStart: encoded.laneStart,
      laneLabel: encoded.laneLabel,
      laneWorker: encoded.laneWorker,
      start: float32Column(encoded.start),
      duration: float32Column(encoded.duration),
      index: uint32Column(encoded.index),
      own: { from: 0, to: spanMs },
      view: { from: 0, to: spanMs },
      laneHeight: 1,
      plotHeight: 1,
      plotWidth: 1,
      scale: 1,
    });
  }

  // With a shared axis (the default), every timeline of a section spans the longest one, so lengths compare.
  const shared = payload.sections.map(() => true);
  const sectionFull = payload.sections.map((_, s) => ({
    from: 0,
    to: Math.max(1e-9, ...timelines.filter((t) => t.section === s).map((t) => t.spanMs)),
  }));
  const sectionView = sectionFull.map((v) => ({ ...v }));
  const viewOf = (t: Timeline): View => (shared[t.section] ? (sectionView[t.section] ?? t.own) : t.own);
  const fullViewOf = (t: Timeline): View =>
    shared[t.section] ? (sectionFull[t.section] ?? t.own) : { from: 0, to: t.spanMs };

  function draw(t: Timeline): void {
    const view = viewOf(t);
    const full = fullViewOf(t);
    const counts = drawTimeline(win, t, view);
    t.mark.hidden = true;
    t.reset.hidden = view.from === full.from && view.to === full.to;
    t.canvas.dataset.rendered = 'true';
    t.canvas.dataset.tasks = String(counts.tasks);
    t.canvas.dataset.rects = String(counts.rects);
    t.canvas.dataset.lanes = String(t.lanes);
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

  function listen(t: Timeline, tip: ClientElement): void {
    let dragFrom = -1;
    let dragTo = -1;
    const local = (event: ClientPointerEvent): { x: number; y: number } => {
      const rect = t.canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    };
    const clampX = (x: number): number => Math.min(g.gutter + t.plotWidth, Math.max(g.gutter, x));
    t.canvas.addEventListener('pointerdown', (event) => {
      const { x } = local(event);
      if (event.button !== 0 || x < g.gutter) return;
      dragFrom = clampX(x);
      dragTo = dragFrom;
      t.canvas.setPointerCapture(event.pointerId);
    });
    t.canvas.addEventListener('pointermove', (event) => {
      const { x, y } = local(event);
      if (dragFrom < 0) {
        const task = hitTask(t, x, y);
        if (task < 0) hideHover(t, tip);
        else showHover(win, tip, t, task, event);
        return;
      }
      dragTo = clampX(x);
      t.brush.hidden = Math.abs(dragTo - dragFrom) < MIN_DRAG_PX;
      t.brush.style.left = `${Math.min(dragFrom, dragTo)}px`;
      t.brush.style.width = `${Math.abs(dragTo - dragFrom)}px`;
      t.brush.style.top = `${g.top}px`;
      t.brush.style.height = `${t.plotHeight}px`;
      hideHover(t, tip);
    });
    t.canvas.addEventListener('pointerup', () => {
      if (dragFrom >= 0 && Math.abs(dragTo - dragFrom) >= MIN_DRAG_PX) {
        const at = (x: number): number => t.view.from + (x - g.gutter) / t.scale;
        const from = at(Math.min(dragFrom, dragTo));
        setView(t, { from, to: Math.max(from + MIN_VIEW_MS, at(Math.max(dragFrom, dragTo))) });
      }
      dragFrom = -1;
      t.brush.hidden = true;
    });
    t.canvas.addEventListener('pointerleave', () => {
      if (dragFrom < 0) hideHover(t, tip);
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
    listen(t, tooltip);
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
