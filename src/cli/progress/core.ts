/**
 * What every progress display of the CLI shares: whether to draw a bar, how the bar is set up, and
 * how often a plain line may be written when there is no terminal.
 */
import cliProgress from 'cli-progress';

/** Without a terminal, how often a long step or run may print how far it got. */
export const PLAIN_PROGRESS_INTERVAL_MS = 5000;
/** Width of the terminal bar, in characters. */
export const BAR_SIZE = 24;

/** stderr, or a stand-in for it in tests. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

/** A live bar only on a terminal: a log file or CI keeps plain lines, not a storm of redraws. */
export function isTerminal(stream: ProgressStream, override?: boolean): boolean {
  return override ?? stream.isTTY === true;
}

export interface BarSetup {
  /** Redraws per second. */
  fps: number;
  format: string | cliProgress.GenericFormatter;
  preset?: cliProgress.Preset;
}

/** A cli-progress bar on `stream`, cleared when it stops. */
export function createBar(stream: ProgressStream, setup: BarSetup): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      stream,
      format: setup.format,
      barsize: BAR_SIZE,
      fps: setup.fps,
      // A hidden cursor would stay hidden after Ctrl-C; restoring it would mean taking over SIGINT.
      hideCursor: false,
      clearOnComplete: true,
    },
    setup.preset,
  );
}

/** Plain lines driven by events: `due()` once PLAIN_PROGRESS_INTERVAL_MS passed since the last line. */
export interface LineThrottle {
  due(): boolean;
  /** A line was just written, whatever kind: the interval starts again. */
  wrote(): void;
}

export function createLineThrottle(now: () => number, intervalMs = PLAIN_PROGRESS_INTERVAL_MS): LineThrottle {
  let last = now();
  return {
    due: () => now() - last >= intervalMs,
    wrote: () => {
      last = now();
    },
  };
}

/** Calls `tick` every `intervalMs` without keeping the process alive; returns the stop. */
export function every(intervalMs: number, tick: () => void): () => void {
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
