/** `threads` and `processes`: one pool engine, two runtimes. */
import type { ResolvedOptions } from '../../core/options.js';
import type { Strategy } from '../strategy.js';
import { Pool } from './pool.js';
import { processRuntime } from './process-runtime.js';
import { threadRuntime } from './thread-runtime.js';

/** A pool of worker threads: JavaScript in parallel, no shared heap, messages copied. */
export function createThreads(options: ResolvedOptions): Strategy {
  return new Pool(threadRuntime, options);
}

/** A pool of child processes: full isolation, a crash takes down one worker only. */
export function createProcesses(options: ResolvedOptions): Strategy {
  return new Pool(processRuntime, options);
}

/**
 * `sequential` or `async` on one worker thread of their own (the `isolate` option): one task at a
 * time, or `concurrency` in flight on the worker's loop. A task that blocks, spins or crashes takes
 * down that worker, never the caller: time-outs fire, signals are heard, and the worker is replaced.
 */
export function createIsolated(options: ResolvedOptions & { strategy: 'sequential' | 'async' }): Strategy {
  const inFlight = options.strategy === 'async' ? options.concurrency : 1;
  // An adaptive async, isolated, is the hybrid with one worker whose tasks in flight adapt.
  const inFlightAdaptive = options.strategy === 'async' ? options.adaptive : undefined;
  return new Pool(
    threadRuntime,
    { ...options, concurrency: 1, inFlight, inFlightAdaptive, adaptive: undefined },
    {
      name: options.strategy,
      concurrency: options.concurrency,
    },
  );
}
