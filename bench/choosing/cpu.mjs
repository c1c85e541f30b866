// The seed's CPU-bound job under each model: sum of i*i for i < n, for the 20 numbers 5,000,000 …
// 5,000,019. Wall time and speed-up against sequential, best of three runs, start-up included.
// Usage: npm run build && node bench/choosing/cpu.mjs [scale]
import { performance } from 'node:perf_hooks';
import { createExecutor, LOCAL_STRATEGIES } from '../../dist/src/index.js';
import { fixed } from './stats.mjs';

const task = new URL('./sum-squares.mjs', import.meta.url);
/** The seed's sizes take well under a second in JavaScript: an optional factor scales them up. */
const scale = Number(process.argv[2] ?? 1);
const inputs = Array.from({ length: 20 }, (_, i) => 5_000_000 * scale + i);
const RUNS = 3;

let sequentialMs;
for (const strategy of LOCAL_STRATEGIES) {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const executor = createExecutor({ task, strategy });
    const results = await executor.map(inputs);
    await executor.close();
    best = Math.min(best, performance.now() - start);
    const n = BigInt(inputs[0]);
    if (results[0] !== ((n - 1n) * n * (2n * n - 1n)) / 6n) throw new Error('wrong sum');
  }
  sequentialMs ??= best;
  console.log(`${strategy.padEnd(10)} ${fixed(best, 0)} ms  (${fixed(sequentialMs / best, 2)}× sequential)`);
}
