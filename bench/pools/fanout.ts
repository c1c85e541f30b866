import type { StrategyName } from '../../src/index.js';
import { createExecutor } from '../../src/index.js';
import { type BenchPool, NOOP_TASK, type PoolDriver } from './pool.js';

function fanout(strategy: StrategyName): PoolDriver {
  return {
    id: `fanout-${strategy}`,
    pool: 'fanout',
    runtime: strategy,
    mapKind: 'batched',
    async create(workers): Promise<BenchPool> {
      const executor = createExecutor<number, number>({ task: NOOP_TASK, strategy, concurrency: workers });
      return {
        run: (input) => executor.run(input),
        map: (inputs) => executor.map(inputs),
        close: () => executor.close(),
      };
    },
  };
}

export const drivers: PoolDriver[] = [fanout('threads'), fanout('processes')];
