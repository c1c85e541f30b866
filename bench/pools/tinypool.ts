import { Tinypool } from 'tinypool';
import { type BenchPool, mapByRuns, NOOP_TASK, type PoolDriver } from './pool.js';

function tinypool(runtime: 'worker_threads' | 'child_process'): PoolDriver {
  return {
    id: `tinypool-${runtime}`,
    pool: 'tinypool',
    runtime,
    mapKind: 'runs',
    async create(workers): Promise<BenchPool> {
      const pool = new Tinypool({
        filename: NOOP_TASK.href,
        runtime,
        minThreads: workers,
        maxThreads: workers,
      });
      const run = (input: number): Promise<unknown> => pool.run(input);
      return { run, map: (inputs) => mapByRuns({ run }, inputs), close: () => pool.destroy() };
    },
  };
}

export const drivers: PoolDriver[] = [tinypool('worker_threads'), tinypool('child_process')];
