/**
 * Progress on stderr while a run goes: a live bar (cli-progress) on a terminal, a plain line every
 * PLAIN_INTERVAL_MS otherwise (logs, CI). The rate is measured over the last RATE_WINDOW_MS.
 * (The CLI's shared progress module is being written for `compare`; this one can fold into it.)
 */
import cliProgress from 'cli-progress';
import { formatProgress, type ProgressFigures } from '../report/run-lines.js';
import type { JobProgress } from '../run/job.js';

/** How often the terminal bar is refreshed, in ms. */
export const TTY_INTERVAL_MS = 200;
/** How often a plain progress line is written when stderr is not a terminal, in ms. */
export const PLAIN_INTERVAL_MS = 5000;
/** The rate (and so the ETA) follows the last this-many ms. */
export const RATE_WINDOW_MS = 10_000;

export interface ProgressOptions {
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

export function startProgress(read: () => JobProgress, options: ProgressOptions): ProgressDisplay {
  const rate = createRateMeter();
  const figures = (): ProgressFigures => {
    const progress = read();
    return { ...progress, total: options.total, rate: rate(performance.now(), progress.done) };
  };
  rate(performance.now(), read().done);
  if (options.stream.isTTY) return startBar(figures, options);
  const timer = setInterval(
    () => options.stream.write(`${options.label}: ${formatProgress(figures())}\n`),
    PLAIN_INTERVAL_MS,
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function startBar(figures: () => ProgressFigures, options: ProgressOptions): ProgressDisplay {
  let latest = figures();
  const bar = new cliProgress.SingleBar({
    stream: options.stream,
    hideCursor: false, // as src/cli/progress.ts: a killed run must not leave the cursor hidden
    clearOnComplete: true,
    fps: 1000 / TTY_INTERVAL_MS,
    barsize: 24,
    format: (opts, params) => {
      const text = formatProgress(latest);
      if (latest.total === undefined || latest.total === 0) return text;
      const filled = Math.round(Math.min(1, params.progress) * (opts.barsize ?? 24));
      return `${'█'.repeat(filled)}${'░'.repeat((opts.barsize ?? 24) - filled)} ${text}`;
    },
  });
  bar.start(latest.total ?? 0, latest.done);
  const timer = setInterval(() => {
    latest = figures();
    bar.update(latest.done);
  }, TTY_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      bar.stop();
    },
  };
}
