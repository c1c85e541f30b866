// Memory per worker: the RSS this process gains per worker thread, and the RSS of each child process,
// with the task module loaded and one task run in every worker. Run it in a fresh process.
// Usage: npm run build && node bench/choosing/memory.mjs [workers]
import { createExecutor } from '../../dist/src/index.js';

const workers = Number(process.argv[2] ?? 4);
const task = new URL('./hold.mjs', import.meta.url);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

/** Runs rounds of one input per worker until every worker has run one (so each has loaded the task). */
async function everyWorker(executor) {
  const seen = new Set();
  for (let round = 0; round < 20 && seen.size < workers; round++) {
    for (const id of await executor.map(Array.from({ length: workers }, (_, i) => i))) seen.add(id);
  }
  return seen.size;
}

globalThis.gc?.();
await settle();
const base = process.memoryUsage().rss;
console.log(`this process, idle: ${mb(base)} MB RSS`);

const threads = createExecutor({ task, strategy: 'threads', concurrency: workers });
const threadsSeen = await everyWorker(threads);
await settle();
const withThreads = process.memoryUsage().rss;
console.log(
  `threads: ${threadsSeen} workers add ${mb(withThreads - base)} MB, ` +
    `${mb((withThreads - base) / workers)} MB each`,
);
await threads.close();

const processes = createExecutor({ task, strategy: 'processes', concurrency: workers });
const childrenSeen = await everyWorker(processes);
const usage = await processes.usage();
console.log(
  `processes: ${childrenSeen} workers hold ${mb(usage.childRss)} MB, ` +
    `${mb(usage.childRss / workers)} MB each; this process: ${mb(process.memoryUsage().rss)} MB`,
);
await processes.close();
