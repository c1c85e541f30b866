// One row of the CPU-bound table, measured in this process. Two commands:
//   node dist/bench/cpu.js calibrate            → {"exactMs": …, "plainMs": …} for one task of BASE_N
//   node dist/bench/cpu.js STRATEGY COUNT WORKERS → {"samples": [seconds, …]} for `map` over COUNT inputs
import { createExecutor, type StrategyName } from '../src/index.js';
import { repeat } from './repeat.js';
import { BASE_N, type Calibration, type CpuSample, inputsFor, squareSumExact } from './square-sum.js';

const EXACT_TASK = new URL('../../bench/tasks/square-sum.mjs', import.meta.url);
const PLAIN_TASK = new URL('../../bench/tasks/square-sum-plain.mjs', import.meta.url);
/** Small tasks, a few per worker, so every worker is started and has loaded the task before timing. */
const WARM_UP_N = 1_000_000;
const WARM_UP_PER_WORKER = 4;
/** Calibration times one task this many times, after one untimed call, and keeps the median. */
const CALIBRATION_RUNS = 3;

async function timeOne(url: URL): Promise<number> {
  const { default: task } = (await import(url.href)) as { default: (n: number) => unknown };
  task(BASE_N);
  const times: number[] = [];
  for (let r = 0; r < CALIBRATION_RUNS; r++) {
    const start = performance.now();
    task(BASE_N + r);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[CALIBRATION_RUNS >> 1]!;
}

async function calibrate(): Promise<Calibration> {
  return { exactMs: await timeOne(EXACT_TASK), plainMs: await timeOne(PLAIN_TASK) };
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
  const expected = inputs.map(squareSumExact);
  try {
    await executor.map(Array.from({ length: executor.concurrency * WARM_UP_PER_WORKER }, () => WARM_UP_N));
    const samples = await repeat(async () => {
      const start = performance.now();
      const results = await executor.map(inputs);
      const seconds = (performance.now() - start) / 1000;
      const wrong = results.findIndex((value, i) => value !== expected[i]);
      if (wrong !== -1) throw new Error(`wrong result for n=${inputs[wrong]}: ${results[wrong]}`);
      return seconds;
    });
    return { samples };
  } finally {
    await executor.close();
  }
}

const [command = '', count = '', workers = ''] = process.argv.slice(2);
const result =
  command === 'calibrate'
    ? await calibrate()
    : await measure(command as StrategyName, Number(count), Number(workers));
console.log(JSON.stringify(result));
