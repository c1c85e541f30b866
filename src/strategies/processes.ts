import type { ResolvedOptions } from '../options.js';
import { Pool } from '../pool/pool.js';
import { processRuntime } from '../pool/process-runtime.js';
import type { Strategy } from './strategy.js';

/** A pool of child processes: full isolation, a crash takes down one worker only. */
export function createProcesses(options: ResolvedOptions): Strategy {
  return new Pool(processRuntime, options);
}
