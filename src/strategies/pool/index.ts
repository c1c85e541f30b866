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
