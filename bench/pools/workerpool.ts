import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { type BenchPool, mapByRuns, type PoolDriver } from './pool.js';

/** workerpool runs functions a worker script registers; this one registers the same no-op as `noop`. */
const SCRIPT = fileURLToPath(new URL('../../../bench/tasks/workerpool-noop.mjs', import.meta.url));

function workerpoolDriver(workerType: 'thread' | 'process'): PoolDriver {
  return {
    id: `workerpool-${workerType}`,
    pool: 'workerpool',
    runtime: workerType,
    mapKind: 'runs',
    async create(workers): Promise<BenchPool> {
      const pool = workerpool.pool(SCRIPT, { workerType, minWorkers: workers, maxWorkers: workers });
      const run = (input: number): Promise<unknown> => pool.exec('noop', [input]);
      return {
        run,
        map: (inputs) => mapByRuns({ run }, inputs),
        close: async () => {
          await pool.terminate();
        },
      };
    },
  };
}

export const drivers: PoolDriver[] = [workerpoolDriver('thread'), workerpoolDriver('process')];
