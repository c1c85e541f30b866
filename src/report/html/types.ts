import type { LimitBucket } from '../../core/types.js';

/**
 * The HTML report's own input: plain values, independent of how they were measured.
 * Times are in ms; timeline timestamps are ms since the Unix epoch.
 */
export interface ReportTimelineEntry {
  workerId: number;
  index: number;
  start: number;
  end: number;
} // epoch ms

export interface ReportStrategy {
  strategy: string; // 'sequential' | 'async' | 'threads' | 'processes'
  name?: string; // the configuration's name where the strategy alone is ambiguous: 'threads 2×32'
  concurrency: number;
  inFlight?: number; // tasks in flight per worker (threads, processes): the hybrid above 1
  level?: string; // the level as the CLI writes it: '2×32', 'adaptive:4-256', '2×adaptive'
  /**
   * Under an adaptive limit, what it did over the measured runs (per worker under the hybrid): its
   * start, range and time-weighted mean (the median of the runs'), its bounds, and over time in the run
   * the timeline is of.
   */
  limit?: {
    start: number;
    min: number;
    max: number;
    mean: number;
    bounds: { min: number; max: number };
    perWorker: boolean;
    series?: LimitBucket[];
  };
  /** Over the measured runs; `mean` and `stddev` (n − 1) where there were several. */
  wallMs: { median: number; min: number; max: number; mean?: number; stddev?: number; runs?: number };
  cpuMs: number; // median CPU time (user+system) of the whole process tree
  peakRssBytes: number;
  tasksPerSecond: number;
  speedup?: number; // vs sequential
  efficiency?: number;
  failed: number;
  timeline: ReportTimelineEntry[]; // of one representative run (see timelineRun)
  /**
   * The run the timeline is of: when it started (epoch ms: the timeline then begins there, so the
   * workers' start-up shows before the first task), its wall time, and which run it is and why.
   */
  timelineRun?: { startedAt: number; wallMs: number; choice: string };
}

export interface ReportProbe {
  strategy: string;
  concurrency: number;
  tasksPerSecond: number;
  p50Ms?: number;
  p95Ms?: number;
}

export interface ReportSection {
  // one job: e.g. "I/O-bound: 80 downloads" or the user's task
  title: string;
  task: string; // module path or workload name
  inputs: number;
  strategies: ReportStrategy[];
  probes?: ReportProbe[]; // throughput against concurrency, where the advisor probed it or compare swept it
  probesNote?: string; // what the points of the throughput chart are, when not the advisor's probes
  probesAxis?: { name: string; unit: string; series?: string }; // their x axis and line, when not concurrency
  verdict?: { kind: string; strategy: string; concurrency: number; reasons: string[] };
  /**
   * compare's verdict, boxed: the same words as the terminal's verdict line (head, then rest), the
   * winner's strategy when the runs name one, and by how much (the terminal's summary lines).
   */
  finding?: { label: string; head: string; rest: string; winner?: string; margins: string[] };
  summary?: string[]; // plain lines, e.g. "threads ran 1.93 × faster than sequential"
  warnings?: string[];
}

export interface ReportData {
  title: string;
  generatedAt: string; // ISO date
  machine: { cores: number; memoryBytes: number; cpuModel: string; node: string; platform: string };
  sections: ReportSection[];
  /** What the whole report concludes, in the terminal's words (the demo's "In short" line). */
  conclusion?: string;
}
