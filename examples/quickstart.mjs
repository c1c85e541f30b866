// The smallest real run of the engine: one CPU-bound task module under all four strategies.
import { availableParallelism } from 'node:os';
import { createExecutor, STRATEGIES } from '../dist/src/index.js';

const task = new URL('./square-sum.mjs', import.meta.url);
const inputs = Array.from({ length: 8 }, (_, i) => 20_000_000 + i);

console.log(`sum(i*i for i in range(n)) for ${inputs.length} values of n from ${inputs[0]}, on ${availableParallelism()} cores\n`);
for (const strategy of STRATEGIES) {
  const executor = createExecutor({ task, strategy });
  const start = performance.now();
  const results = await executor.map(inputs);
  const ms = performance.now() - start;
  await executor.close();
  console.log(`${strategy.padEnd(10)} ${ms.toFixed(0).padStart(6)} ms   first result ${results[0]}`);
}
