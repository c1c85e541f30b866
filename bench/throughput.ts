// One row of the throughput table, measured in this process: node dist/bench/throughput.js POOL MODE INPUTS
// WORKERS. Prints one JSON line, {"samples": [seconds, …]}, after closing the pool.
import { findDriver } from './pools/index.js';
import { type BenchPool, mapByRuns } from './pools/pool.js';
import { repeat } from './repeat.js';
import type { Mode } from './rows.js';

/** Inputs in the warm-up round, which is not timed: enough for the JIT and every worker to be ready. */
export const WARM_UP_INPUTS = 20_000;

export interface ThroughputSample {
  samples: number[];
}

/** `run`: every input issued as its own run call, then all awaited. `map`: one call to the pool's map. */
async function once(pool: BenchPool, mode: Mode, inputs: number[]): Promise<number> {
  const start = performance.now();
  const results = mode === 'map' ? await pool.map(inputs) : await mapByRuns(pool, inputs);
  const seconds = (performance.now() - start) / 1000;
  const wrong = results.findIndex((value, i) => value !== inputs[i]);
  if (results.length !== inputs.length || wrong !== -1) {
    throw new Error(`wrong results: ${results.length} results, result ${wrong} is ${String(results[wrong])}`);
  }
  return seconds;
}

async function main(): Promise<void> {
  const [id = '', mode = '', inputCount = '', workers = ''] = process.argv.slice(2);
  const driver = findDriver(id);
  if (!driver) throw new Error(`unknown pool: ${id}`);
  if (mode !== 'run' && mode !== 'map') throw new Error(`unknown mode: ${mode}`);
  const inputs = Array.from({ length: Number(inputCount) }, (_, i) => i);
  const warmUp = Array.from({ length: WARM_UP_INPUTS }, (_, i) => i);
  const pool = await driver.create(Number(workers));
  let samples: number[];
  try {
    await once(pool, mode, warmUp);
    samples = await repeat(() => once(pool, mode, inputs));
  } finally {
    await pool.close();
  }
  console.log(JSON.stringify({ samples } satisfies ThroughputSample));
}

await main();
