import { Piscina } from 'piscina';
import { type BenchPool, mapByRuns, NOOP_TASK, type PoolDriver } from './pool.js';

export const drivers: PoolDriver[] = [
  {
    id: 'piscina-threads',
    pool: 'piscina',
    runtime: 'threads',
    mapKind: 'runs',
    async create(workers): Promise<BenchPool> {
      const pool = new Piscina({ filename: NOOP_TASK.href, minThreads: workers, maxThreads: workers });
      const run = (input: number): Promise<unknown> => pool.run(input);
      return { run, map: (inputs) => mapByRuns({ run }, inputs), close: () => pool.destroy() };
    },
  },
];
