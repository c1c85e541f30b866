/**
 * Progress of a comparison (`compare`, `demo`) on stderr: a live bar on a terminal, plain lines
 * otherwise (one per finished run, and how far a long one got), nothing with --quiet.
 */
import cliProgress from 'cli-progress';
import { formatDuration } from '../../core/units.js';
import type { ProgressEvent } from '../../measure/types.js';
import { createBar, createLineThrottle, isTerminal, type ProgressStream } from './core.js';

/** Redraws per second of the comparison's terminal bar. */
const STEP_BAR_FPS = 10;

export interface Progress {
  update(event: ProgressEvent): void;
  stop(): void;
}

export interface ProgressOptions {
  stream: ProgressStream;
  quiet?: boolean;
  /** Defaults to the stream's own `isTTY`. */
  tty?: boolean;
  now?: () => number;
}

/** `threads    run 2/3` or `async      warm-up 1/1`, padded so the bars line up. */
export function stepLabel(event: ProgressEvent): string {
  const kind = event.warmup ? 'warm-up' : 'run';
  return `${event.name.padEnd(10)} ${kind} ${event.run}/${event.runs}`;
}

/** The line a finished step leaves without a terminal. */
export function endLine(event: ProgressEvent): string {
  const failed = event.failed ? `, ${event.failed} failed` : '';
  return (
    `[${event.step}/${event.steps}] ${stepLabel(event)}: ${event.total} inputs in ` +
    `${formatDuration(event.wallMs ?? Number.NaN)}${failed}`
  );
}

function barProgress(stream: ProgressStream): Progress {
  const bar = createBar(stream, {
    fps: STEP_BAR_FPS,
    format: '{label} {bar} {value}/{total} inputs  step {step}/{steps}',
    preset: cliProgress.Presets.shades_classic,
  });
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

function plainProgress(stream: ProgressStream, now: () => number): Progress {
  const throttle = createLineThrottle(now);
  const write = (line: string): void => {
    stream.write(`${line}\n`);
    throttle.wrote();
  };
  return {
    update(event) {
      if (event.type === 'end') write(endLine(event));
      else if (event.type === 'progress' && throttle.due()) {
        write(`[${event.step}/${event.steps}] ${stepLabel(event)}: ${event.done}/${event.total} inputs`);
      }
    },
    stop() {},
  };
}

/** The progress display the situation calls for, or undefined with `quiet`. */
export function createProgress(options: ProgressOptions): Progress | undefined {
  if (options.quiet) return undefined;
  return isTerminal(options.stream, options.tty)
    ? barProgress(options.stream)
    : plainProgress(options.stream, options.now ?? Date.now);
}
