import { packLanes } from './lanes.js';
import type { ReportTimelineEntry } from './types.js';

/**
 * One timeline as the page receives it: columns, not objects, so 100,000 tasks cost about 1.6 MB of
 * base64 instead of 6 MB of JSON keys, and decode into typed arrays in a few ms. Tasks are ordered by
 * lane, then by start; lane `l` holds tasks `laneStart[l]` to `laneStart[l + 1] - 1`.
 */
export interface EncodedTimeline {
  tasks: number;
  /** From the origin to the last end, in ms. */
  spanMs: number;
  /**
   * Where the axis starts, in ms since the Unix epoch; every start below is relative to it: the run's
   * start when it is known (so the workers' start-up shows), else the first task's start.
   */
  originMs: number;
  /** Whether the origin is the run's start. */
  fromRunStart: boolean;
  /** From the origin to the first task's start: the start-up (0 when the origin is the first start). */
  startupMs: number;
  laneStart: number[];
  laneLabel: string[];
  laneWorker: number[];
  /** base64 of little-endian Float32: start (ms after `originMs`), duration (ms). */
  start: string;
  duration: string;
  /** base64 of little-endian Uint32: the input's index (0xFFFFFFFF when it was not a valid index). */
  index: string;
}

const NO_INDEX = 0xffffffff;

/**
 * Lanes for one strategy's timeline: one per worker, in worker order; a worker that ran several tasks
 * at once (every `async` task has worker 0) gets as many lanes as it had tasks in flight, packed greedily.
 * Entries with a non-finite time are dropped; an end before its start counts as zero length.
 * Returns null when nothing is left to draw.
 */
export function encodeTimeline(
  strategy: string,
  entries: readonly ReportTimelineEntry[],
  runStartedAt?: number,
): EncodedTimeline | null {
  const valid = entries.filter((e) => Number.isFinite(e.start) && Number.isFinite(e.end));
  if (valid.length === 0) return null;

  const byWorker = new Map<number, ReportTimelineEntry[]>();
  for (const entry of valid) {
    const list = byWorker.get(entry.workerId);
    if (list === undefined) byWorker.set(entry.workerId, [entry]);
    else list.push(entry);
  }
  const workers = [...byWorker.keys()].sort((a, b) => a - b);

  const laneLabel: string[] = [];
  const laneWorker: number[] = [];
  // Per worker, the packing visits tasks in order of start, so appending keeps every lane sorted.
  const lanes: ReportTimelineEntry[][] = [];
  for (const workerId of workers) {
    const list = byWorker.get(workerId) ?? [];
    const packing = packLanes(
      list.map((e) => e.start),
      list.map((e) => Math.max(e.start, e.end)),
    );
    const firstLane = lanes.length;
    for (let sub = 0; sub < packing.lanes; sub++) {
      laneLabel.push(laneName(strategy, workerId, sub, packing.lanes, workers.length));
      laneWorker.push(workerId);
      lanes.push([]);
    }
    for (const task of packing.order) lanes[firstLane + (packing.lane[task] ?? 0)]?.push(list[task]!);
  }

  let firstStart = Number.POSITIVE_INFINITY;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const entry of valid) {
    firstStart = Math.min(firstStart, entry.start);
    lastEnd = Math.max(lastEnd, entry.end, entry.start);
  }
  // Each worker reads the epoch clock itself: a run start a hair after the first task is clock skew.
  const fromRunStart = runStartedAt !== undefined && Number.isFinite(runStartedAt);
  const originMs = fromRunStart ? Math.min(runStartedAt, firstStart) : firstStart;

  const count = valid.length;
  const start = new DataView(new ArrayBuffer(count * 4));
  const duration = new DataView(new ArrayBuffer(count * 4));
  const index = new DataView(new ArrayBuffer(count * 4));
  const laneStart: number[] = [];
  let i = 0;
  for (const lane of lanes) {
    laneStart.push(i);
    for (const entry of lane) {
      start.setFloat32(i * 4, entry.start - originMs, true);
      duration.setFloat32(i * 4, Math.max(0, entry.end - entry.start), true);
      const isIndex = Number.isInteger(entry.index) && entry.index >= 0 && entry.index < NO_INDEX;
      index.setUint32(i * 4, isIndex ? entry.index : NO_INDEX, true);
      i++;
    }
  }
  laneStart.push(i);

  return {
    tasks: count,
    spanMs: lastEnd - originMs,
    originMs,
    fromRunStart,
    startupMs: firstStart - originMs,
    laneStart,
    laneLabel,
    laneWorker,
    start: base64(start),
    duration: base64(duration),
    index: base64(index),
  };
}

/** "main thread", "worker 3", "#12" (an async slot), "worker 3 #2" (a worker running tasks at once). */
export function laneName(
  strategy: string,
  workerId: number,
  sub: number,
  subLanes: number,
  workers: number,
): string {
  if (strategy === 'async' && workers === 1) return `#${sub + 1}`;
  const owner = workerId === 0 ? 'main thread' : `worker ${workerId}`;
  return subLanes === 1 ? owner : `${owner} #${sub + 1}`;
}

function base64(view: DataView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}
