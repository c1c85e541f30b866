// The baseline `bench/distributed.ts` compares against: a plain BullMQ worker, one job per input, as
// a queue user writes it. Usage: node dist/bench/distributed-plain-worker.js REDIS_URL QUEUE CONCURRENCY
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [url = '', queue = '', concurrency = '16'] = process.argv.slice(2);
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(queue, async (job) => job.data as unknown, {
  connection,
  concurrency: Number(concurrency),
});
await worker.waitUntilReady();
process.stderr.write('ready\n');
process.once('SIGTERM', () => {
  void worker.close().then(() => connection.quit().then(() => process.exit(0)));
});
