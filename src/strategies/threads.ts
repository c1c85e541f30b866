import type { ResolvedOptions } from '../options.js';
import { Pool } from '../pool/pool.js';
import { threadRuntime } from '../pool/thread-runtime.js';
import type { Strategy } from './strategy.js';

/** A pool of worker threads: JavaScript in parallel, no shared heap, messages copied. */
export function createThreads(options: ResolvedOptions): Strategy {
  return new Pool(threadRuntime, options);
}
