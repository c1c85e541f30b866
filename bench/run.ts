// `npm run bench`: every measurement in its own child process, one after another, then the tables.
//   --quick  smaller sizes, to check the harness in a minute (the numbers mean little)
//   --full   also time 1,000,000 run calls as the `map` of pools with no batched map (minutes per pool)
import { parseArgs } from 'node:util';
import { describeMachine, machineLine } from './machine.js';
import { CPU_ROUNDS, measureCpu, measureThroughput, type Sizes } from './measure.js';
import { DRIVERS } from './pools/index.js';
import { MAX_TIMED_REPETITIONS, MIN_REPETITIONS, MIN_TIMED_SECONDS } from './repeat.js';
import { cpuTable, exactnessTable, targets, targetsTable, throughputTable } from './report.js';
import { BASE_N, CALIBRATION_RUNS } from './square-sum.js';
import { formatCount } from './table.js';

const SIZES: Record<'normal' | 'quick', Sizes> = {
  normal: { runInputs: 200_000, mapInputs: 1_000_000, sequentialSeconds: 2.5, minCpuInputs: 20 },
  quick: { runInputs: 20_000, mapInputs: 100_000, sequentialSeconds: 0.5, minCpuInputs: 4 },
};

const print = (text = ''): void => void process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, full: { type: 'boolean' } } });
  const sizes = flags.quick ? SIZES.quick : SIZES.normal;
  const full = flags.full === true;
  const machine = describeMachine();
  const workers = machine.cores;
  const started = performance.now();
  const progress = (text: string): void => void process.stderr.write(`bench: ${text}\n`);
  progress(machineLine(machine));
  const plan = { sizes, workers, full, python: machine.python !== undefined, progress };
  const throughputs = await measureThroughput(plan);
  const cpu = await measureCpu(plan);

  print(`Machine: ${machineLine(machine)}`);
  print(
    `Every measurement runs in its own process. A table 1 row: ${workers} workers, a warm-up, then timed at ` +
      `least ${MIN_REPETITIONS} times and for at least ${MIN_TIMED_SECONDS} s (at most ${MAX_TIMED_REPETITIONS} ` +
      'times); medians shown.',
  );
  print();
  print(`Table 1: no-op task, \`export default (x) => x\`, ${workers} workers`);
  print();
  print(throughputTable(throughputs));
  print();
  print("ratio: a run row's tasks/s ÷ piscina's run row; a map row's ÷ Python's Pool.map row.");
  const unbatched = [...new Set(DRIVERS.filter((d) => d.mapKind === 'runs').map((d) => d.pool))];
  if (!full && unbatched.length > 0) {
    print(
      `${unbatched.join(', ')}: no batched map, so no map rows; the nearest equivalent, ` +
        `${formatCount(sizes.mapInputs)} run calls, takes the path their run rows time (--full times it).`,
    );
  }
  print();
  print(
    `Table 2: CPU-bound, exact sum(i*i for i in range(n)) for ${cpu.count} inputs, n = ` +
      `${formatCount(BASE_N)} + i; threads and processes with ${workers} workers`,
  );
  print();
  print(cpuTable(cpu.rows, workers));
  print();
  print(`Each strategy ran once per round, in turn, for ${CPU_ROUNDS} rounds; medians shown.`);
  if (cpu.calibration) {
    print();
    print(`Table 3: what exactness costs, one task on the main thread (median of ${CALIBRATION_RUNS})`);
    print();
    print(exactnessTable(cpu.calibration));
  }
  print();
  print('Targets');
  print();
  print(targetsTable(targets(throughputs, cpu.rows, workers)));
  print();
  print(`The bench took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  const failed = [...throughputs, ...cpu.rows].filter((row) => row.failed).length;
  if (failed > 0) {
    print(`${failed} measurement(s) failed: see the rows above.`);
    process.exitCode = 1;
  }
}

await main();
