/** Runs every measurement of the bench, each in its own child process, one after another. */
import { fileURLToPath } from 'node:url';
import { runChild } from './child.js';
import { DRIVERS } from './pools/index.js';
import { MAX_TIMED_REPETITIONS, MIN_REPETITIONS, MIN_TIMED_SECONDS } from './repeat.js';
import { PYTHON_POOL } from './report.js';
import type { CpuRow, ThroughputRow } from './rows.js';
import type { Calibration, CpuSample } from './square-sum.js';
import { formatCount } from './table.js';
import type { ThroughputSample } from './throughput.js';

export interface Sizes {
  /** Run calls in flight in a `run` row. */
  runInputs: number;
  /** Inputs of a `map` row. */
  mapInputs: number;
  /** Table 2 gets enough inputs for `sequential` to take at least this long… */
  sequentialSeconds: number;
  /** …and never fewer than this many. */
  minCpuInputs: number;
}

export interface Plan {
  sizes: Sizes;
  workers: number;
  /** Also time N run calls as the `map` of pools that have no batched map. */
  full: boolean;
  /** Whether python3 is on the PATH. */
  python: boolean;
  progress: (text: string) => void;
}

/**
 * Table 2's rows: `sequential` first, as every speed-up's baseline; then the other strategies; then `bare`,
 * the same work dealt out to bare worker threads with no pool, as the machine's own ceiling.
 */
const CPU_STRATEGIES = ['sequential', 'async', 'threads', 'processes', 'bare'] as const;
/** Table 2 runs each strategy once per round; the median of the rounds is shown. */
export const CPU_ROUNDS = 3;

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const THROUGHPUT_CHILD = here('./throughput.js');
const CPU_CHILD = here('./cpu.js');
const PYTHON_SCRIPT = here('../../bench/python/pool_map.py');

async function measureRow(row: ThroughputRow, plan: Plan, command: string, args: string[]): Promise<void> {
  const result = await runChild<ThroughputSample>(command, args);
  if (result.ok) row.samples = result.value!.samples;
  else fail(row, plan, result.error);
}

function fail(row: ThroughputRow | CpuRow, plan: Plan, error: string | undefined): void {
  row.failed = true;
  row.note = `failed: ${error}`;
  plan.progress(`failed: ${error}`);
}

export async function measureThroughput(plan: Plan): Promise<ThroughputRow[]> {
  const { sizes, workers } = plan;
  const rows: ThroughputRow[] = [];
  const one = async (row: ThroughputRow, command: string, args: string[]): Promise<void> => {
    rows.push(row);
    plan.progress(`${row.pool} ${row.runtime} ${row.mode}: ${row.how}…`);
    await measureRow(row, plan, command, args);
  };
  const node = (id: string, mode: string, inputs: number): string[] => [
    THROUGHPUT_CHILD,
    id,
    mode,
    String(inputs),
    String(workers),
  ];
  for (const { id, pool, runtime } of DRIVERS) {
    const how = `${formatCount(sizes.runInputs)} run calls in flight`;
    await one(
      { pool, runtime, mode: 'run', how, inputs: sizes.runInputs },
      process.execPath,
      node(id, 'run', sizes.runInputs),
    );
  }
  for (const { id, pool, runtime, mapKind } of DRIVERS) {
    // Without a batched map, a map is N run calls: the run row's path again, and minutes per pool.
    if (mapKind === 'runs' && !plan.full) continue;
    const count = formatCount(sizes.mapInputs);
    const how = mapKind === 'batched' ? `map over ${count}` : `${count} run calls (no batched map)`;
    await one(
      { pool, runtime, mode: 'map', how, inputs: sizes.mapInputs },
      process.execPath,
      node(id, 'map', sizes.mapInputs),
    );
  }
  const how = `Pool(${workers}).map over ${formatCount(sizes.mapInputs)}`;
  const python: ThroughputRow = {
    pool: PYTHON_POOL,
    runtime: 'processes',
    mode: 'map',
    how,
    inputs: sizes.mapInputs,
  };
  if (plan.python) {
    const repeat = [MIN_REPETITIONS, MIN_TIMED_SECONDS, MAX_TIMED_REPETITIONS].map(String);
    await one(python, 'python3', [PYTHON_SCRIPT, String(workers), String(sizes.mapInputs), ...repeat]);
  } else {
    rows.push({ ...python, note: 'python3 not found' });
  }
  return rows;
}

export interface CpuResult {
  rows: CpuRow[];
  calibration: Calibration | undefined;
  /** Inputs per run of table 2. */
  count: number;
}

export async function measureCpu(plan: Plan): Promise<CpuResult> {
  const { sizes, workers } = plan;
  plan.progress('calibrating the CPU-bound task…');
  const calibrated = await runChild<Calibration>(process.execPath, [CPU_CHILD, 'calibrate']);
  if (!calibrated.ok) {
    const note = `calibration failed: ${calibrated.error}`;
    return { rows: [{ strategy: 'all', note, failed: true }], calibration: undefined, count: 0 };
  }
  const calibration = calibrated.value!;
  // Enough inputs for `sequential` to last `sequentialSeconds`, at least `minCpuInputs`, a multiple of cores.
  const needed = Math.ceil((sizes.sequentialSeconds * 1000) / calibration.exactBestMs);
  const count = Math.ceil(Math.max(sizes.minCpuInputs, needed) / workers) * workers;
  const rows: CpuRow[] = CPU_STRATEGIES.map((strategy) => ({ strategy, samples: [] }));
  // Round-robin, one child per strategy per round: a change in the machine's load hits every strategy alike.
  for (let round = 1; round <= CPU_ROUNDS; round++) {
    for (const row of rows) {
      if (row.failed) continue;
      plan.progress(`CPU-bound, round ${round} of ${CPU_ROUNDS}, ${row.strategy}, ${count} inputs…`);
      const result = await runChild<CpuSample>(process.execPath, [
        CPU_CHILD,
        row.strategy,
        String(count),
        String(workers),
      ]);
      if (result.ok) row.samples!.push(...result.value!.samples);
      else fail(row, plan, result.error);
    }
  }
  return { rows, calibration, count };
}
