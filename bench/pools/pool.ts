/** One pool under test, created with a fixed number of workers, running the no-op task module. */
export interface BenchPool {
  /** One task. */
  run(input: number): Promise<unknown>;
  /** Every input, results in order: the pool's batched map where it has one, else one `run` per input. */
  map(inputs: number[]): Promise<unknown[]>;
  /** Ends every worker; the process must be able to exit after it. */
  close(): Promise<void>;
}

/** How to make one pool: one of these per library and runtime, so adding a pool is one file. */
export interface PoolDriver {
  /** Unique id, used on the command line of the bench child. */
  id: string;
  /** The library, as printed in the table. */
  pool: string;
  /** Threads or processes, in the library's own words. */
  runtime: string;
  /** How `map` works: the library's batched map, or "run × N" where it has none. */
  mapKind: 'batched' | 'runs';
  create(workers: number): Promise<BenchPool>;
}

/** The no-op task module, `export default (x) => x`, from the compiled file in dist/bench/pools/. */
export const NOOP_TASK = new URL('../../../bench/tasks/noop.mjs', import.meta.url);

/** The nearest thing to `map` for a pool without one: every input issued as a run, then awaited. */
export function mapByRuns(pool: Pick<BenchPool, 'run'>, inputs: number[]): Promise<unknown[]> {
  const pending = new Array<Promise<unknown>>(inputs.length);
  for (let i = 0; i < inputs.length; i++) pending[i] = pool.run(inputs[i]!);
  return Promise.all(pending);
}
