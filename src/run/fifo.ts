/**
 * A named pipe (FIFO) as the output. Opening one for writing blocks until a process opens it for
 * reading, and a blocking open holds the whole event loop: no signal handler runs, Ctrl+C does nothing,
 * forever. So it is opened with O_NONBLOCK, which fails at once (ENXIO) while no reader is there, and
 * tried again every FIFO_RETRY_MS until one comes, for at most FIFO_READER_WAIT_MS (the event loop stays
 * free: signals act, and `signal` ends the wait). It is then written as a non-blocking stream, so a
 * reader that stops reading pauses the run (backpressure) without blocking the event loop either.
 */
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { OptionError } from '../core/errors.js';

/** How long a run waits for a process to open its FIFO output for reading, in ms. */
export const FIFO_READER_WAIT_MS = 10_000;
/** How often it tries to open the FIFO meanwhile, in ms. */
export const FIFO_RETRY_MS = 50;

/** The wait for a reader was ended by the caller's signal (the run was stopped before it began). */
export class SetupAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupAbortedError';
  }
}

export interface FifoOptions {
  /** @default FIFO_READER_WAIT_MS */
  waitMs?: number;
  /** Ends the wait (with SetupAbortedError). */
  signal?: AbortSignal;
  /** Called once, when the first try finds no reader: the wait begins. */
  onWait?: () => void;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Opens the FIFO at `path` for writing once a reader is there; `shown` names it in messages. */
export async function openFifo(path: string, shown: string, options: FifoOptions = {}): Promise<Writable> {
  const waitMs = options.waitMs ?? FIFO_READER_WAIT_MS;
  const deadline = performance.now() + waitMs;
  let waiting = false;
  for (;;) {
    if (options.signal?.aborted) {
      throw new SetupAbortedError(`stopped while waiting for a process to read the FIFO ${shown}`);
    }
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
      return new Socket({ fd, readable: false, writable: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') {
        throw new OptionError(`cannot open the FIFO ${shown}: ${(error as Error).message}`);
      }
    }
    if (performance.now() >= deadline) {
      throw new OptionError(
        `no process opened the FIFO ${shown} for reading within ${waitMs / 1000} s: start its reader first`,
      );
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.();
    }
    await pause(Math.min(FIFO_RETRY_MS, Math.max(0, deadline - performance.now())), options.signal);
  }
}
