import type { ResolvedOptions } from '../options.js';
import { LocalStrategy } from './local.js';
import type { Strategy } from './strategy.js';

/** One task after another in the calling process: the baseline every speed-up is measured against. */
export function createSequential(options: ResolvedOptions): Strategy {
  return new LocalStrategy('sequential', { ...options, concurrency: 1 });
}
