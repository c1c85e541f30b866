import type { ResolvedOptions } from '../options.js';
import { LocalStrategy } from './local.js';
import type { Strategy } from './strategy.js';

/** Many tasks in flight on the calling process's event loop: the asyncio of Node, best for I/O. */
export function createAsync(options: ResolvedOptions): Strategy {
  return new LocalStrategy('async', options);
}
