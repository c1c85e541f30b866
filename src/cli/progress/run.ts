/**
 * Progress on stderr while `run` goes: a live bar on a terminal, a plain line every
 * PLAIN_PROGRESS_INTERVAL_MS otherwise (logs, CI). The rate is measured over the last RATE_WINDOW_MS.
 */
import { formatProgress, type ProgressFigures } from '../../report/run-lines.js';
import type { JobProgress } from '../../run/job.js';
import { BAR_SIZE, createBar, every, isTerminal, PLAIN_PROGRESS_INTERVAL_MS } from './core.js';

/** How often the run's terminal bar is refreshed, in ms: the run polls, it gets no events. */
export const RUN_BAR_INTERVAL_MS = 200;
/** The rate (and so the ETA) follows the last this-many ms. */
export const RATE_WINDOW_MS = 10_000;

export interface RunProgressOptions {
  stream: NodeJS.WriteStream;
  total: number | undefined;
  /** Prefix of plain lines. */
  label: string;
}

export interface ProgressDisplay {
  stop(): void;
}

/** Inputs per second over a sliding window of samples (pure apart from the clock it is given). */
export function createRateMeter(
  windowMs = RATE_WINDOW_MS,
): (now: number, done: number) => number | undefined {
  const samples: { t: number; done: number }[] = [];
  return (now, done) => {
    samples.push({ t: now, done });
    while (samples.length > 2 && now - samples[1]!.t >= windowMs) samples.shift();
    const first = samples[0]!;
    return now > first.t ? ((done - first.done) * 1000) / (now - first.t) : undefined;
  };
}

export function startProgress(read: () => JobProgress, options: RunProgressOptions): ProgressDisplay {
  const rate = createRateMeter();
  const figures = (): ProgressFigures => {
    const progress = read();
    return { ...progress, total: options.total, rate: rate(performance.now(), progress.done) };
  };
  rate(performance.now(), read().done);
  if (isTerminal(options.stream)) return startBar(figures, options);
  const stop = every(PLAIN_PROGRESS_INTERVAL_MS, () =>
    options.stream.write(`${options.label}: ${formatProgress(figures())}\n`),
  );
  return { stop };
}

function startBar(figures: () => ProgressFigures, options: RunProgressOptions): ProgressDisplay {
  let latest = figures();
  const bar = createBar(options.stream, {
    fps: 1000 / RUN_BAR_INTERVAL_MS,
    format: (opts, params) => {
      const text = formatProgress(latest);
      if (latest.total === undefined || latest.total === 0) return text;
      const size = opts.barsize ?? BAR_SIZE;
      const filled = Math.round(Math.min(1, params.progress) * size);
      return `${'█'.repeat(filled)}${'░'.repeat(size - filled)} ${text}`;
    },
  });
  bar.start(latest.total ?? 0, latest.done);
  const stopTimer = every(RUN_BAR_INTERVAL_MS, () => {
    latest = figures();
    bar.update(latest.done);
  });
  return {
    stop: () => {
      stopTimer();
      bar.stop();
    },
  };
}
