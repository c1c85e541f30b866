// Start-up: from createExecutor to the first result of a task that returns at once, per strategy;
// and the bare Node primitives (new Worker, fork) to their first message, for comparison.
// Usage: npm run build && node bench/choosing/startup.mjs [repeats]
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createExecutor, LOCAL_STRATEGIES } from '../../dist/src/index.js';
import { fixed, median } from './stats.mjs';

const repeats = Number(process.argv[2] ?? 15);
const task = new URL('./echo.mjs', import.meta.url);

for (const strategy of LOCAL_STRATEGIES) {
  const first = [];
  const close = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const executor = createExecutor({ task, strategy, concurrency: 1 });
    await executor.run(i);
    const ready = performance.now();
    await executor.close();
    first.push(ready - start);
    close.push(performance.now() - ready);
  }
  console.log(
    `${strategy.padEnd(10)} first result ${fixed(median(first))} ms, close ${fixed(median(close))} ms`,
  );
}

const bare = async (label, start) => {
  const times = [];
  for (let i = 0; i < repeats; i++) times.push(await start());
  console.log(`${label.padEnd(10)} first message ${fixed(median(times))} ms`);
};
await bare('new Worker', () => {
  const start = performance.now();
  const worker = new Worker(new URL('./bare-thread.mjs', import.meta.url));
  return new Promise((resolve) =>
    worker.once('message', () => {
      const ms = performance.now() - start;
      worker.terminate().then(() => resolve(ms));
    }),
  );
});
await bare('fork', () => {
  const start = performance.now();
  const child = fork(new URL('./bare-child.mjs', import.meta.url), { execArgv: [] });
  return new Promise((resolve) =>
    child.once('message', () => {
      const ms = performance.now() - start;
      child.kill();
      child.once('exit', () => resolve(ms));
    }),
  );
});
