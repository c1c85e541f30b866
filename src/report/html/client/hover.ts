import { formatCount, formatDuration } from '../shared.js';
import type { ClientElement, ClientPointerEvent, ClientWindow } from './dom.js';
import { geometry, laneOfTask } from './draw.js';
import type { Timeline } from './model.js';

/* Inlined into the page like draw.ts: these functions refer only to each other, draw.ts and shared.ts. */

export function hideHover(t: Timeline, tooltip: ClientElement): void {
  t.mark.hidden = true;
  tooltip.hidden = true;
}

/** Outlines the bar under the pointer (an element over the canvas: no redraw) and shows its tooltip. */
export function showHover(
  win: ClientWindow,
  tooltip: ClientElement,
  t: Timeline,
  task: number,
  event: ClientPointerEvent,
): void {
  const NO_INDEX = 0xffffffff;
  const OFFSET_PX = 14;
  const g = geometry();
  const index = t.index[task] ?? NO_INDEX;
  const lane = laneOfTask(t, task);
  const worker = t.laneWorker[lane] ?? 0;
  const start = t.start[task] ?? 0;
  const duration = t.duration[task] ?? 0;

  const x0 = Math.max(g.gutter, g.gutter + (start - t.view.from) * t.scale);
  const x1 = Math.min(g.gutter + t.plotWidth, g.gutter + (start + duration - t.view.from) * t.scale);
  t.mark.style.left = `${x0 - 1}px`;
  t.mark.style.width = `${Math.max(3, x1 - x0 + 2)}px`;
  t.mark.style.top = `${g.top + lane * t.laneHeight - 1}px`;
  t.mark.style.height = `${Math.max(3, t.laneHeight + 2)}px`;
  t.mark.hidden = false;

  tooltip.textContent = [
    `${t.strategy} · input #${index === NO_INDEX ? '?' : formatCount(index)}`,
    worker === 0 ? 'worker 0 (the main thread)' : `worker ${formatCount(worker)}`,
    `took ${formatDuration(duration)}`,
    `from +${formatDuration(start)} to +${formatDuration(start + duration)}`,
  ].join('\n');
  tooltip.hidden = false;
  const left = Math.min(event.clientX + OFFSET_PX, win.innerWidth - tooltip.offsetWidth - 4);
  const below = event.clientY + OFFSET_PX;
  const top =
    below + tooltip.offsetHeight > win.innerHeight ? event.clientY - tooltip.offsetHeight - 8 : below;
  tooltip.style.left = `${Math.max(4, left)}px`;
  tooltip.style.top = `${Math.max(4, top)}px`;
}
