/**
 * Progress of a comparison on stderr: a live bar on a terminal (cli-progress), plain lines otherwise
 * (a log file or CI keeps one line per run, not a storm of redraws), nothing with --quiet.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../measure/types.js';
import { formatDuration } from '../report/format.js';

/** Without a terminal, how often a long run may print how far it got. */
export const PLAIN_PROGRESS_INTERVAL_MS = 5000;
/** Redraws per second of the terminal bar. */
const BAR_FPS = 10;
const BAR_SIZE = 24;

export interface Progress {
  update(event: ProgressEvent): void;
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  quiet?: boolean;
  /** Defaults to the stream's own `isTTY`. */
  tty?: boolean;
  now?: () => number;
}

/** `threads    run 2/3` or `async      warm-up 1/1`, padded so the bars line up. */
export function stepLabel(event: ProgressEvent): string {
  const kind = event.warmup ? 'warm-up' : 'run';
  return `${event.strategy.padEnd(10)} ${kind} ${event.run}/${event.runs}`;
}

/** The line a finished step leaves without a terminal. */
export function endLine(event: ProgressEvent): string {
  const failed = event.failed ? `, ${event.failed} failed` : '';
  return (
    `[${event.step}/${event.steps}] ${stepLabel(event)}: ${event.total} inputs in ` +
    `${formatDuration(event.wallMs ?? Number.NaN)}${failed}`
  );
}

function barProgress(stream: ProgressOptions['stream']): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{label} {bar} {value}/{total} inputs  step {step}/{steps}',
      barsize: BAR_SIZE,
      fps: BAR_FPS,
      // A hidden cursor would stay hidden after Ctrl-C; restoring it would mean taking over SIGINT.
      hideCursor: false,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(event) {
      const payload = { label: stepLabel(event), step: event.step, steps: event.steps };
      if (!started) {
        bar.start(event.total, event.done, payload);
        started = true;
        return;
      }
      if (event.type === 'start') bar.setTotal(event.total);
      bar.update(event.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function plainProgress(stream: ProgressOptions['stream'], now: () => number): Progress {
  let lastLine = now();
  const write = (line: string): void => {
    stream.write(`${line}\n`);
    lastLine = now();
  };
  return {
    update(event) {
      if (event.type === 'end') write(endLine(event));
      else if (event.type === 'progress' && now() - lastLine >= PLAIN_PROGRESS_INTERVAL_MS) {
        write(`[${event.step}/${event.steps}] ${stepLabel(event)}: ${event.done}/${event.total} inputs`);
      }
    },
    stop() {},
  };
}

/** The progress display the situation calls for, or undefined with `quiet`. */
export function createProgress(options: ProgressOptions): Progress | undefined {
  if (options.quiet) return undefined;
  const tty = options.tty ?? options.stream.isTTY === true;
  return tty ? barProgress(options.stream) : plainProgress(options.stream, options.now ?? Date.now);
}
