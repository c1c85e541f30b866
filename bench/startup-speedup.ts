/**
 * A one-off CPU job, start-up included (issue 11): 40 inputs of ~70 ms of exact sum of squares, each
 * run by a fresh executor as `fanout compare` runs it — the workers are started inside the timed span —
 * under sequential (the baseline), threads and processes with one worker per core. Prints each
 * strategy's wall time, its start-up (until its first task started), and speed-up ÷ ideal, where the
 * ideal speed-up is the number of cores and the baseline is sequential's wall time in the same round.
 *
 *   npm run build && node dist/bench/startup-speedup.js [--rounds 5] [--inputs 40] [--against /work/main/dist]
 *
 * Every measurement runs in its own process, one strategy after another in each round, so a change in
 * the machine's load hits every strategy alike; `--against DIR` adds rows for another build's `dist`
 * (main's, say), measured in the same rounds. The load average is printed before and after: on a
 * shared machine, compare rows of one run only.
 */
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type BareStart, bareStart, extraCaCertsLine } from './bare-start.js';
import { runChild } from './child.js';
import { describeMachine, machineLine } from './machine.js';
import { BASE_N, inputsFor, squareSumExact } from './square-sum.js';
import { summarize } from './stats.js';
import { markdownTable } from './table.js';

const TASK = new URL('../../bench/tasks/square-sum.mjs', import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const OWN_INDEX = new URL('../src/index.js', import.meta.url).href;

interface Sample {
  /** From before createExecutor (warm: from the timed map's call) to the end of the map, in ms. */
  wallMs: number;
  /** From the same origin to the first task's start, in ms. */
  startupMs: number;
  /** CPU time of this process and its worker processes over the same span, in ms. */
  cpuMs: number;
  /** The tasks' summed run time ÷ (workers × wall time): how much of the workers' time ran tasks. */
  busyShare: number;
  workersStarted: number;
}

/** Bare `node -e 0` starts timed in each round, for the floor under a child's start-up. */
const BARE_STARTS_PER_ROUND = 3;

/** Small tasks, a few per worker, so that a warm pool has every worker started and its task loaded. */
const WARM_UP_N = 1_000_000;
const WARM_UP_PER_WORKER = 4;

/**
 * The child: one fresh executor, one timed map, as one line of JSON. `warm`: its workers are started
 * and warmed up before the clock starts, as in table 2 of `npm run bench`, so the row shows the cost
 * of start-up by difference.
 */
async function measure(
  strategy: string,
  count: number,
  workers: number,
  index: string,
  warm: boolean,
): Promise<Sample> {
  const { createExecutor } = (await import(index)) as typeof import('../src/index.js');
  const inputs = inputsFor(count);
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  const executor = createExecutor<number, bigint>({
    task: TASK,
    strategy: strategy as 'sequential',
    concurrency: strategy === 'sequential' ? undefined : workers,
    timeline: true,
  });
  try {
    let before = await executor.usage();
    if (warm) {
      await executor.map(Array.from({ length: workers * WARM_UP_PER_WORKER }, () => WARM_UP_N));
      before = await executor.usage();
      t0 = performance.now();
      cpu0 = process.cpuUsage();
    }
    const origin = performance.timeOrigin + t0;
    const results = await executor.map(inputs);
    const wallMs = performance.now() - t0;
    const own = process.cpuUsage(cpu0);
    const usage = await executor.usage();
    const wrong = results.findIndex((value, i) => value !== squareSumExact(inputs[i]!));
    if (wrong !== -1) throw new Error(`wrong result for n=${inputs[wrong]}`);
    let firstStart = Number.POSITIVE_INFINITY;
    let busy = 0;
    for (const entry of executor.timeline()) {
      if (entry.start < origin) continue; // the warm-up's
      firstStart = Math.min(firstStart, entry.start);
      busy += entry.end - entry.start;
    }
    const children = usage.childCpuUser + usage.childCpuSystem - before.childCpuUser - before.childCpuSystem;
    return {
      wallMs,
      startupMs: firstStart - origin,
      cpuMs: (own.user + own.system + children) / 1000,
      busyShare: busy / (executor.concurrency * wallMs),
      workersStarted: usage.workersStarted,
    };
  } finally {
    await executor.close();
  }
}

interface Row {
  label: string;
  strategy: string;
  index: string;
  warm: boolean;
  samples: Sample[];
  /** Speed-up ÷ ideal, against the sequential run of the same round. */
  ratios: number[];
  failed?: string;
}

const range = (s: { median: number; min: number; max: number }, digits: number): string =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)} – ${s.max.toFixed(digits)})`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      inputs: { type: 'string', default: '40' },
      against: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  const count = Number(values.inputs);
  const machine = describeMachine();
  const cores = machine.cores;
  const rows: Row[] = [];
  const add = (label: string, strategy: string, index: string, warm = false): void =>
    void rows.push({ label, strategy, index, warm, samples: [], ratios: [] });
  add('sequential', 'sequential', OWN_INDEX);
  add('threads', 'threads', OWN_INDEX);
  add('processes', 'processes', OWN_INDEX);
  if (values.against) {
    const index = pathToFileURL(`${values.against}/src/index.js`).href;
    add(`threads (${values.against})`, 'threads', index);
    add(`processes (${values.against})`, 'processes', index);
  }
  add('threads, workers warm', 'threads', OWN_INDEX, true);
  add('processes, workers warm', 'processes', OWN_INDEX, true);
  const loadBefore = loadavg()[0]!;
  const bare: BareStart[] = [];
  for (let round = 1; round <= rounds; round++) {
    let sequentialMs: number | undefined;
    for (let i = 0; i < BARE_STARTS_PER_ROUND; i++) bare.push(await bareStart());
    for (const row of rows) {
      process.stderr.write(`bench: round ${round} of ${rounds}, ${row.label}…\n`);
      const result = await runChild<Sample>(process.execPath, [
        SELF,
        'child',
        row.strategy,
        String(count),
        String(cores),
        row.index,
        row.warm ? 'warm' : 'cold',
      ]);
      if (!result.ok) {
        row.failed = result.error;
        continue;
      }
      const sample = result.value!;
      row.samples.push(sample);
      if (row.strategy === 'sequential') sequentialMs = sample.wallMs;
      if (sequentialMs !== undefined) row.ratios.push(sequentialMs / sample.wallMs / cores);
    }
  }
  const loadAfter = loadavg()[0]!;
  const sequential = rows[0]!.samples;
  const taskMs = sequential.length > 0 ? summarize(sequential.map((s) => s.wallMs)).median / count : 0;
  const sequentialCpu = sequential.length > 0 ? summarize(sequential.map((s) => s.cpuMs)).median : 0;
  console.log(`Machine: ${machineLine(machine)}`);
  console.log(
    `A fresh executor per run, start-up included: ${count} inputs of exact sum(i*i for i in range(n)), ` +
      `n = ${BASE_N.toLocaleString('en-US')} + i (${taskMs.toFixed(0)} ms each under sequential), ` +
      `threads and processes with ${cores} workers; ${rounds} rounds, medians (min – max). ` +
      `Load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.`,
  );
  const bareCpu = summarize(bare.map((b) => b.cpuMs));
  console.log(
    `A bare \`node -e 0\` child: ${range(bareCpu, 1)} ms of its own CPU (${bare.length} starts), the floor ` +
      `under every worker process's start-up; ${extraCaCertsLine()}.`,
  );
  console.log();
  const body = rows.map((row) => {
    if (row.samples.length === 0) return [row.label, '—', '—', '—', '—', '—', '—', row.failed ?? ''];
    const wall = summarize(row.samples.map((s) => s.wallMs / 1000));
    const startup = summarize(row.samples.map((s) => s.startupMs));
    const ratio = row.ratios.length > 0 ? range(summarize(row.ratios), 2) : '—';
    const cpu = summarize(row.samples.map((s) => s.cpuMs));
    const extraCpu = sequentialCpu > 0 ? `${(cpu.median - sequentialCpu).toFixed(0)}` : '—';
    const busy = range(summarize(row.samples.map((s) => s.busyShare)), 2);
    const started = [...new Set(row.samples.map((s) => s.workersStarted))].join(', ');
    return [row.label, range(wall, 2), range(startup, 0), ratio, busy, extraCpu, started, row.failed ?? ''];
  });
  console.log(
    markdownTable(
      [
        'strategy',
        'wall time (s)',
        'start-up (ms)',
        `speed-up ÷ ideal (${cores}×)`,
        'workers busy',
        'CPU beyond sequential (ms)',
        'workers started',
        'note',
      ],
      body,
    ),
  );
  console.log();
  console.log(
    'speed-up ÷ ideal: sequential wall time ÷ this wall time ÷ cores, each against the sequential run of ' +
      "the same round; workers busy: the tasks' summed run time ÷ (workers × wall time), the share of the " +
      "workers' time that ran tasks (start-up, messages and an uneven end are the rest), which load, " +
      'stretching tasks and wall time alike, disturbs less than the wall-time ratio; ' +
      'start-up: from creating the executor (warm rows: from the timed map) to the first ' +
      "task starting; CPU beyond sequential: the median CPU time of the run (this process's and its " +
      "workers') less sequential's, what starting and feeding the workers cost; warm rows: workers " +
      'started and warmed up before the clock starts, as in table 2 of `npm run bench`.',
  );
}

const [command, strategy, count, workers, index, warm] = process.argv.slice(2);
if (command === 'child') {
  console.log(
    JSON.stringify(await measure(strategy!, Number(count), Number(workers), index!, warm === 'warm')),
  );
} else {
  await main();
}
