// `distributed` on no-op tasks: inputs/s with 1 and 2 `fanout worker` processes, against a plain
// BullMQ producer and worker doing one job per input, and the per-input overhead in µs. Runs alone:
//   node dist/bench/distributed.js [--inputs 200000] [--plain-inputs 5000]
// It starts its own redis-server on a loopback port (no persistence, noeviction) and stops it.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createExecutor } from '../src/index.js';
import { queueFor, startWorker, stopWorker } from '../test/support/distributed.js';
import { type RedisServer, redisMissing, startRedis } from '../test/support/redis-server.js';
import { describeMachine, machineLine } from './machine.js';
import { repeat } from './repeat.js';
import { formatCount, markdownTable } from './table.js';

const NOOP = new URL('../../bench/tasks/noop.mjs', import.meta.url);
const SQUARE_SUM = new URL('../../bench/tasks/square-sum.mjs', import.meta.url);
/** The CPU job: sum(i*i for i in range(n)) for this many n around CPU_N, the seed's job made smaller. */
const CPU_INPUTS = 16;
const CPU_N = 20_000_000;
const PLAIN_WORKER = fileURLToPath(new URL('./distributed-plain-worker.js', import.meta.url));
/** The plain worker's BullMQ concurrency: generous, so the baseline is not held back by it. */
const PLAIN_CONCURRENCY = 16;
/** How often the plain producer looks at the completed count. */
const POLL_MS = 10;

interface Row {
  what: string;
  workers: number;
  inputs: number;
  samples: number[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function fanoutRow(redis: RedisServer, workers: number, count: number): Promise<Row> {
  const queue = queueFor(NOOP);
  const started = await Promise.all(
    Array.from({ length: workers }, () => startWorker(redis, NOOP, queue, { strategy: 'async' })),
  );
  const executor = createExecutor({ task: NOOP, strategy: 'distributed', connection: redis.url, queue });
  const inputs = Array.from({ length: count }, (_, i) => i);
  try {
    await executor.map(inputs.slice(0, 20_000)); // warm-up: the JIT, and the time per input measured
    const samples = await repeat(async () => {
      const start = performance.now();
      const results = await executor.map(inputs);
      const seconds = (performance.now() - start) / 1000;
      if (results.length !== count || results[count - 1] !== count - 1) throw new Error('wrong results');
      return seconds;
    });
    return { what: 'fanout distributed (map)', workers, inputs: count, samples };
  } finally {
    await executor.close();
    await Promise.all(started.map((worker) => stopWorker(worker)));
  }
}

function startPlainWorker(redis: RedisServer, queue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [PLAIN_WORKER, redis.url, queue, String(PLAIN_CONCURRENCY)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      if (text.includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`plain worker exited with ${code}`)));
  });
}

async function plainRow(redis: RedisServer, workers: number, count: number): Promise<Row> {
  const name = `plain-${workers}`;
  const children = await Promise.all(Array.from({ length: workers }, () => startPlainWorker(redis, name)));
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection });
  let round = 0;
  const once = async (jobs: number): Promise<number> => {
    round++;
    const start = performance.now();
    await queue.addBulk(
      Array.from({ length: jobs }, (_, i) => ({ name: 'noop', data: i, opts: { jobId: `${round}-${i}` } })),
    );
    while ((await queue.getCompletedCount()) < jobs)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const seconds = (performance.now() - start) / 1000;
    await queue.clean(0, 0, 'completed');
    return seconds;
  };
  try {
    await once(1000);
    const samples = await repeat(() => once(count));
    return { what: 'plain BullMQ, one job per input', workers, inputs: count, samples };
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
    for (const child of children) child.kill('SIGTERM');
  }
}

interface CpuRow {
  what: string;
  samples: number[];
}

/** The CPU job under `sequential` here, then distributed over 1 and 2 workers (one task at a time each). */
async function cpuRows(redis: RedisServer): Promise<CpuRow[]> {
  const inputs = Array.from({ length: CPU_INPUTS }, (_, i) => CPU_N + i);
  const time = async (executor: ReturnType<typeof createExecutor>): Promise<number[]> => {
    try {
      await executor.map(inputs.slice(0, 2));
      return await repeat(async () => {
        const start = performance.now();
        await executor.map(inputs);
        return (performance.now() - start) / 1000;
      });
    } finally {
      await executor.close();
    }
  };
  const rows: CpuRow[] = [
    {
      what: 'sequential, here',
      samples: await time(createExecutor({ task: SQUARE_SUM, strategy: 'sequential' })),
    },
  ];
  const queue = queueFor(SQUARE_SUM);
  const started: Awaited<ReturnType<typeof startWorker>>[] = [];
  try {
    for (const workers of [1, 2]) {
      while (started.length < workers) {
        started.push(await startWorker(redis, SQUARE_SUM, queue, { strategy: 'async', concurrency: 1 }));
      }
      const executor = createExecutor({
        task: SQUARE_SUM,
        strategy: 'distributed',
        connection: redis.url,
        queue,
      });
      rows.push({
        what: `distributed, ${workers} worker process${workers === 1 ? '' : 'es'}`,
        samples: await time(executor),
      });
    }
  } finally {
    await Promise.all(started.map((worker) => stopWorker(worker)));
  }
  return rows;
}

/** Task sizes (n of the sum of squares) for the crossover sweep, and the sequential work per point. */
const SWEEP_N = [1_000, 10_000, 100_000, 1_000_000];
const SWEEP_WORK = 2e8;

interface SweepRow {
  n: number;
  inputs: number;
  sequentialS: number;
  /** 2 local worker threads, here. */
  threadsS: number;
  distributedS: number;
}

/**
 * Where distributing over 2 worker processes starts to pay, by task size: against sequential, and
 * against 2 local worker threads (the same 2 cores, without Redis in between).
 */
async function sweep(redis: RedisServer): Promise<SweepRow[]> {
  const queue = queueFor(SQUARE_SUM);
  const started = await Promise.all(
    [0, 1].map(() => startWorker(redis, SQUARE_SUM, queue, { strategy: 'async', concurrency: 1 })),
  );
  const sequential = createExecutor({ task: SQUARE_SUM, strategy: 'sequential' });
  const threads = createExecutor({ task: SQUARE_SUM, strategy: 'threads', concurrency: 2 });
  const distributed = createExecutor({
    task: SQUARE_SUM,
    strategy: 'distributed',
    connection: redis.url,
    queue,
  });
  const time = async (executor: ReturnType<typeof createExecutor>, inputs: number[]): Promise<number> => {
    await executor.map(inputs.slice(0, Math.min(inputs.length, 50)));
    return median(
      await repeat(async () => {
        const start = performance.now();
        await executor.map(inputs);
        return (performance.now() - start) / 1000;
      }),
    );
  };
  const rows: SweepRow[] = [];
  try {
    for (const n of SWEEP_N) {
      const count = Math.max(8, Math.round(SWEEP_WORK / n));
      const inputs = Array.from({ length: count }, () => n);
      rows.push({
        n,
        inputs: count,
        sequentialS: await time(sequential, inputs),
        threadsS: await time(threads, inputs),
        distributedS: await time(distributed, inputs),
      });
    }
  } finally {
    await Promise.all([sequential.close(), threads.close(), distributed.close()]);
    await Promise.all(started.map((worker) => stopWorker(worker)));
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      inputs: { type: 'string', default: '200000' },
      'plain-inputs': { type: 'string', default: '5000' },
    },
  });
  const missing = redisMissing();
  if (missing) {
    console.log(`distributed bench not run: ${missing}`);
    return;
  }
  const redis = await startRedis();
  const rows: Row[] = [];
  let cpu: CpuRow[];
  let crossover: SweepRow[];
  try {
    for (const workers of [1, 2]) {
      rows.push(await plainRow(redis, workers, Number(values['plain-inputs'])));
      rows.push(await fanoutRow(redis, workers, Number(values.inputs)));
    }
    cpu = await cpuRows(redis);
    crossover = await sweep(redis);
  } finally {
    await redis.stop();
  }
  console.log(machineLine(describeMachine()));
  console.log('redis-server 7 on 127.0.0.1 (no persistence); no-op task; median of the samples\n');
  const rate = (row: Row): number => row.inputs / median(row.samples);
  const plain = new Map(
    rows.filter((row) => row.what.startsWith('plain')).map((row) => [row.workers, rate(row)]),
  );
  console.log(
    markdownTable(
      ['what', 'workers', 'inputs', 'samples', 'inputs/s', 'µs per input', '× plain BullMQ'],
      rows.map((row) => [
        row.what,
        String(row.workers),
        formatCount(row.inputs),
        String(row.samples.length),
        formatCount(Math.round(rate(row))),
        (1e6 / rate(row)).toFixed(1),
        row.what.startsWith('plain') ? '1.0' : (rate(row) / plain.get(row.workers)!).toFixed(1),
      ]),
    ),
  );
  const base = median(cpu[0]!.samples);
  console.log(
    `\nCPU job: sum(i*i for i in range(n)) for ${CPU_INPUTS} n from ${formatCount(CPU_N)}; each worker runs one task at a time\n`,
  );
  console.log(
    markdownTable(
      ['how', 'samples', 'wall (median), s', 'speed-up'],
      cpu.map((row) => [
        row.what,
        String(row.samples.length),
        median(row.samples).toFixed(2),
        (base / median(row.samples)).toFixed(2),
      ]),
    ),
  );
  console.log(
    '\nCrossover: the same job at each task size: sequential and 2 worker threads here, against 2 worker processes\n' +
      '(µs over threads: what distributing costs per input beyond 2 local threads, (distributed − threads) ÷ inputs)\n',
  );
  console.log(
    markdownTable(
      [
        'n',
        'µs per task (sequential)',
        'inputs',
        'sequential, s',
        'threads 2, s',
        'distributed, s',
        '× sequential',
        '× threads',
        'µs over threads',
      ],
      crossover.map((row) => [
        formatCount(row.n),
        ((row.sequentialS / row.inputs) * 1e6).toFixed(1),
        formatCount(row.inputs),
        row.sequentialS.toFixed(3),
        row.threadsS.toFixed(3),
        row.distributedS.toFixed(3),
        (row.sequentialS / row.distributedS).toFixed(2),
        (row.threadsS / row.distributedS).toFixed(2),
        (((row.distributedS - row.threadsS) / row.inputs) * 1e6).toFixed(1),
      ]),
    ),
  );
  const beatThreads = crossover.findIndex((_, i) =>
    crossover.slice(i).every((row) => row.threadsS > row.distributedS),
  );
  console.log(
    beatThreads === -1
      ? '\n2 worker processes did not beat 2 local threads at every size from any size on: on one machine they share the cores the threads have, plus Redis.'
      : `\n2 worker processes beat 2 local threads from n = ${formatCount(crossover[beatThreads]!.n)} (${((crossover[beatThreads]!.sequentialS / crossover[beatThreads]!.inputs) * 1e6).toFixed(1)} µs a task) on.`,
  );
  const sizes = (rows: SweepRow[]): string => rows.map((row) => formatCount(row.n)).join(', ') || 'none';
  const faster = crossover.filter((row) => row.sequentialS > row.distributedS);
  const slower = crossover.filter((row) => row.sequentialS <= row.distributedS);
  const from = crossover.findIndex((_, i) =>
    crossover.slice(i).every((row) => row.sequentialS > row.distributedS),
  );
  console.log(
    `\n2 worker processes were faster at n = ${sizes(faster)}; not faster at n = ${sizes(slower)}.`,
  );
  console.log(
    from === -1
      ? 'No size from which they were faster at every larger one: no crossover in this run.'
      : `Crossover in this run: from n = ${formatCount(crossover[from]!.n)} (${((crossover[from]!.sequentialS / crossover[from]!.inputs) * 1e6).toFixed(1)} µs a task) on.`,
  );
}

await main();
