import type { EncodedTimeline } from '../encode.js';
import type { ClientCanvas, ClientElement } from './dom.js';

/** What the page embeds for its script: the timelines, per section, in strategy order. */
export interface ClientPayload {
  sections: { strategies: string[]; timelines: (EncodedTimeline | null)[] }[];
}

/** A time range in ms since the strategy's first task started. */
export interface View {
  from: number;
  to: number;
}

/** One timeline on the page: its elements, its decoded columns, and the layout of its last drawing. */
export interface Timeline {
  canvas: ClientCanvas;
  brush: ClientElement;
  mark: ClientElement;
  reset: ClientElement;
  section: number;
  strategy: string;
  lanes: number;
  spanMs: number;
  /** From the origin to the first task: the start-up, drawn as a band (0 when not known). */
  startupMs: number;
  /** Whether the axis starts at the run's start (else at the first task's). */
  fromRunStart: boolean;
  laneStart: number[];
  laneLabel: string[];
  laneWorker: number[];
  start: Float32Array;
  duration: Float32Array;
  index: Uint32Array;
  /** The view when the section's axis is not shared. */
  own: View;
  // Set by each drawing, read by hit-testing and zoom.
  view: View;
  laneHeight: number;
  plotHeight: number;
  plotWidth: number;
  scale: number;
}
