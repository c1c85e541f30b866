/**
 * The one switch over strategies. A new strategy is a folder under src/strategies/ and a line here.
 */
import type { ResolvedOptions, StrategyName } from '../core/options.js';
import { createDistributed } from '../strategies/distributed/index.js';
import { createAsync, createSequential } from '../strategies/in-process.js';
import { createIsolated, createProcesses, createThreads } from '../strategies/pool/index.js';
import type { Strategy } from '../strategies/strategy.js';

export function createStrategy(options: ResolvedOptions & { strategy: StrategyName }): Strategy {
  switch (options.strategy) {
    case 'sequential':
      return options.isolate
        ? createIsolated({ ...options, strategy: 'sequential' })
        : createSequential(options);
    case 'async':
      return options.isolate ? createIsolated({ ...options, strategy: 'async' }) : createAsync(options);
    case 'threads':
      return createThreads(options);
    case 'processes':
      return createProcesses(options);
    case 'distributed':
      return createDistributed(options);
  }
}
