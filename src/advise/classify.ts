/**
 * What kind of work the task does, and whether the job is too small to parallelise: pure functions
 * of the measured figures, each returning its reasons in plain words with the numbers in them.
 */

import type { StrategyName } from '../core/options.js';
import { formatLongDuration, formatPercent } from '../core/units.js';
import { CPU_BUSY_SHARE_MIN, HYBRID_FILL, IO_BUSY_SHARE_MAX } from './thresholds.js';
import type { MessageFigures, Projection, SampleFigures, StartupFigures } from './types.js';
import { RUN_SEQUENTIALLY, startingThreads } from './words.js';

export type Character = 'io-bound' | 'cpu-bound' | 'mixed';

/** A difference between CPU share and busy share this large is worth a remark (not a verdict). */
const SHARE_GAP_NOTE = 0.25;

const OVERLAP_MEASURED: Record<OverlapMeasure, string> = {
  probes: ' (the probes measure how many it keeps up with)',
  adaptive: ' (the adaptive limit finds, while the job runs, how many it keeps up with)',
  none: '',
};

export interface Characterized {
  kind: Character;
  reasons: string[];
}

/**
 * What measures how many waiting tasks a loop keeps up with: the probes, the adaptive limit while the
 * job runs (under `auto`), or nothing (under `auto`, a rest too short to measure it on).
 */
export type OverlapMeasure = 'probes' | 'adaptive' | 'none';

/** The task's character, from the share of its time the event loop was busy. */
export function characterize(sample: SampleFigures, measuredBy: OverlapMeasure = 'probes'): Characterized {
  const { busyShare, cpuShare, busyMs, cpuMs, wallMs, tasks } = sample;
  // The per-task figures are means (the adaptive limit's floor is the median: adaptive-start.ts).
  const measured = `${formatLongDuration(busyMs)} of a mean ${formatLongDuration(wallMs)} per task, over ${tasks} input${tasks === 1 ? '' : 's'} run one at a time`;
  const reasons: string[] = [];
  let kind: Character;
  if (busyShare <= IO_BUSY_SHARE_MAX) {
    kind = 'io-bound';
    reasons.push(
      `The event loop was busy ${formatPercent(busyShare)} of each task's time (${measured}): ` +
        `the task mostly waits (at most ${formatPercent(IO_BUSY_SHARE_MAX)} counts as waiting), so by this ` +
        `sample one thread could overlap ${overlap(busyShare)} of them before its loop is always busy${OVERLAP_MEASURED[measuredBy]}.`,
    );
  } else if (busyShare >= CPU_BUSY_SHARE_MIN) {
    kind = 'cpu-bound';
    reasons.push(
      `The event loop was busy ${formatPercent(busyShare)} of each task's time (${measured}): ` +
        `the task computes (at least ${formatPercent(CPU_BUSY_SHARE_MIN)} counts as computing); async ` +
        `cannot overlap it, only worker threads or processes can run it in parallel.`,
    );
  } else {
    kind = 'mixed';
    reasons.push(
      `The event loop was busy ${formatPercent(busyShare)} of each task's time (${measured}): between ` +
        `${formatPercent(IO_BUSY_SHARE_MAX)} and ${formatPercent(CPU_BUSY_SHARE_MIN)}, the task both computes and ` +
        `waits; by this sample async could overlap ${overlap(busyShare)} of them on one thread, workers can add cores.`,
    );
  }
  reasons.push(
    `CPU time was ${formatPercent(cpuShare)} of wall time (${formatLongDuration(cpuMs)} of a mean ${formatLongDuration(wallMs)} per task).`,
  );
  if (cpuShare - busyShare >= SHARE_GAP_NOTE) {
    reasons.push(
      'The task used more CPU than it held the event loop: some of its work ran on other threads ' +
        '(the libuv pool for crypto, zlib or files, native code), which async overlaps too.',
    );
  } else if (busyShare - cpuShare >= SHARE_GAP_NOTE && kind !== 'io-bound') {
    reasons.push(
      'The task held the event loop longer than it got the CPU: other programs are competing for ' +
        'the cores, so the timings below are noisy.',
    );
  }
  return { kind, reasons };
}

/** How many tasks the event loop can interleave before it is itself the bottleneck: 1 / busy share. */
export function overlapBound(busyShare: number): number {
  return busyShare > 0 ? 1 / busyShare : Number.POSITIVE_INFINITY;
}

/**
 * The share of a task's wall time that fills a worker's loop, for sizing the hybrid's tasks in
 * flight: the lower of the loop's busy share and the CPU share. The sequential sample overstates the
 * busy share (its first tasks compile the task's code, and a loaded machine keeps the loop's thread
 * off its core while it counts as busy); the CPU share is the truer measure of what fills a worker.
 */
export function fillShare(sample: Pick<SampleFigures, 'busyShare' | 'cpuShare'>): number {
  return Math.min(sample.busyShare, sample.cpuShare);
}

/**
 * Tasks in flight per worker that surely fill its loop: HYBRID_FILL × 1 / busy share, a power of two
 * up. A loop fills only with tasks to spare (their times vary), and a sample on a loaded machine
 * overstates the busy share; too many in flight cost a little memory, too few a share of every core.
 */
export function hybridFill(busyShare: number): number {
  return 2 ** Math.ceil(Math.log2(HYBRID_FILL * overlapBound(Math.max(1e-6, busyShare))));
}

/**
 * The hybrid's tasks in flight per worker at its bound (and its top probed level, `hybridLevels`):
 * enough to fill each loop (`hybridFill`), async's cap spread over the workers at most, 2 at least.
 */
export function hybridInFlight(busyShare: number, asyncCap: number, workers: number): number {
  return Math.max(2, Math.min(Math.floor(asyncCap / workers), hybridFill(busyShare)));
}

function overlap(busyShare: number): string {
  const bound = overlapBound(busyShare);
  if (!Number.isFinite(bound)) return 'any number';
  return `about ${bound < 10 ? bound.toFixed(1) : Math.floor(bound)}`;
}

export interface BoundsInput {
  kind: Character;
  sample: SampleFigures;
  message: MessageFigures;
  startup: StartupFigures;
  total: number;
  cores: number;
  /** The highest concurrency the advisor may use for async (already capped by the user's limit). */
  asyncCap: number;
  /** The highest for workers. */
  workerCap: number;
}

/** The best a model could do for the whole job: its measured start-up, then a perfect speed-up. */
export interface Bound {
  strategy: StrategyName;
  concurrency: number;
  /** Tasks in flight per worker, above 1 for the hybrid. */
  inFlight?: number;
  /** The speed-up it could reach at best on the task's own time. */
  speedup: number;
  /** What it costs beyond the task's own time, measured: start-up and messages. */
  overheadMs: number;
  overheadWords: string;
  /** Its projected wall time for the whole job at that best. */
  wallMs: number;
}

/**
 * For each model that could help a task of this kind (async for waiting, worker threads for
 * computing, both for mixed), the best it could do. Workers whose start-up was not measured are left out.
 */
export function bounds(input: BoundsInput): Bound[] {
  const { kind, sample, message, startup, total, cores } = input;
  const sequentialMs = total * sample.wallMs;
  const out: Bound[] = [];
  if (kind !== 'cpu-bound') {
    const concurrency = Math.max(1, Math.min(input.asyncCap, total));
    const speedup = Math.min(concurrency, overlapBound(sample.busyShare));
    out.push({
      strategy: 'async',
      concurrency,
      speedup,
      overheadMs: 0,
      overheadWords: 'async starts at no extra cost',
      // In-process models pay for loading the module once, as sequential does.
      wallMs: startup.inProcessMs + sequentialMs / speedup,
    });
  }
  if (kind !== 'io-bound' && startup.threadsMs !== null) {
    const concurrency = Math.max(1, Math.min(cores, input.workerCap, total));
    const messagesMs = total * message.cloneMs;
    const overheadMs = startup.threadsMs + messagesMs;
    out.push({
      strategy: 'threads',
      concurrency,
      speedup: concurrency,
      overheadMs,
      overheadWords:
        `${startingThreads(startup.threadsRest)} took ${formatLongDuration(startup.threadsMs)} and passing every input and output ` +
        `would cost about ${formatLongDuration(messagesMs)} more`,
      // A worker's start-up includes loading the module in it.
      wallMs: overheadMs + sequentialMs / concurrency,
    });
    // A task that also waits: workers with tasks in flight each overlap the waits on every core.
    const hybrid = hybridBound(input, concurrency, overheadMs, sequentialMs);
    if (hybrid) out.push(hybrid);
  }
  return out;
}

/**
 * The hybrid's bound: one worker per core, enough tasks in flight on each to fill its loop (see
 * `hybridFill`), every core's time shared among the tasks (the lower of busy and CPU share: see
 * `coreMsPerTask`). Null where it would not beat a task per worker.
 */
function hybridBound(
  input: BoundsInput,
  concurrency: number,
  overheadMs: number,
  sequentialMs: number,
): Bound | null {
  const { sample, cores } = input;
  if (input.kind === 'cpu-bound' || concurrency < 2) return null;
  const fill = fillShare(sample);
  const coreShare = Math.max(1e-6, fill);
  const inFlight = hybridInFlight(fill, input.asyncCap, concurrency);
  const speedup = Math.min(concurrency * inFlight, Math.min(concurrency, cores) / coreShare);
  if (speedup <= concurrency * 1.0001) return null;
  return {
    strategy: 'threads',
    concurrency,
    inFlight,
    speedup,
    overheadMs,
    overheadWords: `starting ${concurrency} worker threads and passing every input and output would cost about ${formatLongDuration(overheadMs)}`,
    wallMs: overheadMs + sequentialMs / speedup,
  };
}

/** The bounds as projections, with sequential's (measured), fastest first. */
export function boundProjections(input: BoundsInput, list: readonly Bound[]): Projection[] {
  return [
    {
      strategy: 'sequential' as const,
      concurrency: 1,
      wallMs: input.startup.inProcessMs + input.total * input.sample.wallMs,
      basis: 'probe' as const,
    },
    ...list.map(
      (b): Projection => ({
        strategy: b.strategy,
        concurrency: b.concurrency,
        ...(b.inFlight === undefined ? {} : { inFlight: b.inFlight }),
        wallMs: b.wallMs,
        basis: 'bound',
      }),
    ),
  ].sort((a, b) => a.wallMs - b.wallMs);
}

export interface TooSmall {
  reasons: string[];
  projections: Projection[];
}

/**
 * Too small when the whole job would finish sequentially before a single worker thread has started
 * (both measured), or when even a perfect speed-up would save less than it costs to start the
 * cheapest model that could help (for CPU work, a worker thread and its messages; for waiting work,
 * async, which costs next to nothing to start). Null when parallelism could pay.
 */
export function tooSmall(input: BoundsInput): TooSmall | null {
  const { sample, total, startup } = input;
  const sequentialMs = total * sample.wallMs;
  const list = bounds(input);
  const job = `The whole job would take about ${formatLongDuration(sequentialMs)} sequentially (${total} input${total === 1 ? '' : 's'} × ${formatLongDuration(sample.wallMs)})`;
  const saving = (b: Bound): number => sequentialMs * (1 - 1 / b.speedup);
  if (startup.threadsMs !== null && sequentialMs <= startup.threadsMs) {
    const most = Math.max(0, ...list.map(saving));
    return {
      reasons: [
        `${job}: less than ${startup.threadsRest ? startingThreads(true) : 'starting a single worker thread takes'} ` +
          `(${formatLongDuration(startup.threadsMs)}, measured).`,
        `Parallelism could save at most ${formatLongDuration(most)} here, too little to be worth its machinery.`,
        RUN_SEQUENTIALLY,
      ],
      projections: boundProjections(input, list),
    };
  }
  if (list.length === 0) return null;
  const net = (b: Bound): number => saving(b) - b.overheadMs;
  if (list.some((b) => net(b) > 0)) return null;
  const best = list.reduce((a, b) => (net(b) > net(a) ? b : a));
  const where =
    best.strategy === 'async'
      ? `with ${best.concurrency} in flight`
      : `on ${best.concurrency} worker threads`;
  return {
    reasons: [
      `${job}.`,
      `Run ${where}, it could save at most ${formatLongDuration(saving(best))}, but ${best.overheadWords} (measured): ` +
        'parallelism cannot pay for itself here.',
      RUN_SEQUENTIALLY,
    ],
    projections: boundProjections(input, list),
  };
}
