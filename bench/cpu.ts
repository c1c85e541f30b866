// One row of the CPU-bound table, measured in this process. Two commands:
//   node dist/bench/cpu.js calibrate            → {"exactMs", "exactBestMs", "plainMs"} for one task of BASE_N
//   node dist/bench/cpu.js STRATEGY COUNT WORKERS → {"samples": [seconds]}: one timed `map` over COUNT inputs
//   node dist/bench/cpu.js bare COUNT WORKERS     → the same work on bare worker threads, split evenly, no pool
// (the driver interleaves the strategies, one child per strategy per round; see bench/measure.ts)
import { Worker } from 'node:worker_threads';
import { createExecutor, type StrategyName } from '../src/index.js';
import {
  BASE_N,
  CALIBRATION_RUNS,
  type Calibration,
  type CpuSample,
  inputsFor,
  squareSumExact,
} from './square-sum.js';

const EXACT_TASK = new URL('../../bench/tasks/square-sum.mjs', import.meta.url);
const PLAIN_TASK = new URL('../../bench/tasks/square-sum-plain.mjs', import.meta.url);
const BARE_WORKER = new URL('../../bench/tasks/bare-worker.mjs', import.meta.url);
/** Small tasks, a few per worker, so every worker is started and has loaded the task before timing. */
const WARM_UP_N = 1_000_000;
const WARM_UP_PER_WORKER = 4;

/** The sorted times of one task, in ms. */
async function timeOne(url: URL): Promise<number[]> {
  const { default: task } = (await import(url.href)) as { default: (n: number) => unknown };
  task(BASE_N);
  const times: number[] = [];
  for (let r = 0; r < CALIBRATION_RUNS; r++) {
    const start = performance.now();
    task(BASE_N + r);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function calibrate(): Promise<Calibration> {
  const exact = await timeOne(EXACT_TASK);
  const plain = await timeOne(PLAIN_TASK);
  const median = (times: number[]): number => times[times.length >> 1]!;
  return { exactMs: median(exact), exactBestMs: exact[0]!, plainMs: median(plain) };
}

async function measure(strategy: StrategyName, count: number, workers: number): Promise<CpuSample> {
  // threads and processes get one worker per core, as in the throughput table; the others their defaults.
  const parallel = strategy === 'threads' || strategy === 'processes';
  const executor = createExecutor<number, bigint>({
    task: EXACT_TASK,
    strategy,
    concurrency: parallel ? workers : undefined,
  });
  const inputs = inputsFor(count);
  try {
    await executor.map(Array.from({ length: executor.concurrency * WARM_UP_PER_WORKER }, () => WARM_UP_N));
    const start = performance.now();
    const results = await executor.map(inputs);
    const seconds = (performance.now() - start) / 1000;
    check(inputs, results);
    return { samples: [seconds] };
  } finally {
    await executor.close();
  }
}

function check(inputs: readonly number[], results: readonly unknown[]): void {
  const wrong = results.findIndex((value, i) => value !== squareSumExact(inputs[i]!));
  if (wrong !== -1) throw new Error(`wrong result for n=${inputs[wrong]}: ${results[wrong]}`);
}

/** The machine's own ceiling: inputs dealt out evenly to bare worker threads, one message each way. */
async function measureBare(count: number, workers: number): Promise<CpuSample> {
  const threads = Array.from({ length: workers }, () => new Worker(BARE_WORKER));
  const send = (worker: Worker, inputs: number[]): Promise<unknown[]> =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(inputs);
    });
  try {
    await Promise.all(threads.map((worker) => send(worker, Array(WARM_UP_PER_WORKER).fill(WARM_UP_N))));
    const inputs = inputsFor(count);
    const shares = threads.map((_, k) => inputs.filter((_, i) => i % workers === k));
    const start = performance.now();
    const results = await Promise.all(threads.map((worker, k) => send(worker, shares[k]!)));
    const seconds = (performance.now() - start) / 1000;
    for (const [k, share] of results.entries()) check(shares[k]!, share);
    return { samples: [seconds] };
  } finally {
    await Promise.all(threads.map((worker) => worker.terminate()));
  }
}

const [command = '', count = '', workers = ''] = process.argv.slice(2);
const result =
  command === 'calibrate'
    ? await calibrate()
    : command === 'bare'
      ? await measureBare(Number(count), Number(workers))
      : await measure(command as StrategyName, Number(count), Number(workers));
console.log(JSON.stringify(result));
