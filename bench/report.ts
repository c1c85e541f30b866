/** The bench's tables, as Markdown: values in, strings out. */
import {
  type CpuRow,
  findThroughput,
  ratio,
  speedUp,
  type Target,
  type ThroughputRow,
  throughput,
  verdict,
  wallTime,
} from './rows.js';
import { BASE_N, type Calibration } from './square-sum.js';
import { formatCount, formatRatio, markdownTable } from './table.js';

export const PYTHON_POOL = 'Python multiprocessing';
const TARGET_RUN_VS_PISCINA = 1.5;
const TARGET_MAP_VS_PYTHON = 1;
const TARGET_EFFICIENCY = 0.95;

/** Table 1. A run row's ratio is to piscina's run row, a map row's to Python's Pool.map row. */
export function throughputTable(rows: readonly ThroughputRow[]): string {
  const piscina = findThroughput(rows, 'piscina', 'threads', 'run');
  const python = findThroughput(rows, PYTHON_POOL, 'processes', 'map');
  const body = rows.map((row) => {
    const rate = throughput(row);
    const base = row.mode === 'run' ? piscina : python;
    return [
      row.pool,
      row.runtime,
      row.mode,
      row.how,
      rate ? formatCount(rate.median) : '—',
      rate ? `${formatCount(rate.min)} – ${formatCount(rate.max)}` : (row.note ?? ''),
      formatRatio(ratio(rate?.median, base && throughput(base)?.median)),
    ];
  });
  return markdownTable(['pool', 'runtime', 'mode', 'how', 'tasks/s', 'min – max', 'ratio'], body);
}

/** Table 2: wall time per strategy, speed-up over sequential, and that speed-up per core. */
export function cpuTable(rows: readonly CpuRow[], cores: number): string {
  const body = rows.map((row) => {
    const time = wallTime(row);
    const speed = speedUp(rows, row);
    return [
      row.strategy === 'bare' ? 'bare worker_threads, no pool (reference)' : row.strategy,
      time ? time.median.toFixed(2) : '—',
      time ? `${time.min.toFixed(2)} – ${time.max.toFixed(2)}` : (row.note ?? ''),
      formatRatio(speed),
      speed === undefined ? '—' : (speed / cores).toFixed(2),
    ];
  });
  return markdownTable(
    ['strategy', 'wall time (s)', 'min – max (s)', 'speed-up', `efficiency (÷ ${cores} cores)`],
    body,
  );
}

/** Table 3: one task of the exact loop against the plain (inexact) one. */
export function exactnessTable(calibration: Calibration): string {
  return markdownTable(
    ['loop', `ms per task (n = ${formatCount(BASE_N)})`, 'exact', 'relative'],
    [
      ['plain number loop, `sum += i * i`', calibration.plainMs.toFixed(1), 'no', '1.00×'],
      [
        'sum + its exact rounding error (Fast2Sum), one BigInt at the end',
        calibration.exactMs.toFixed(1),
        'yes',
        formatRatio(calibration.exactMs / calibration.plainMs),
      ],
    ],
  );
}

export function targets(
  throughputs: readonly ThroughputRow[],
  cpu: readonly CpuRow[],
  cores: number,
): Target[] {
  const rate = (pool: string, runtime: string, mode: 'run' | 'map'): number | undefined => {
    const row = findThroughput(throughputs, pool, runtime, mode);
    return row && throughput(row)?.median;
  };
  const efficiency = (strategy: string): number | undefined => {
    const row = cpu.find((r) => r.strategy === strategy);
    return ratio(row && speedUp(cpu, row), cores);
  };
  const python = rate(PYTHON_POOL, 'processes', 'map');
  const times = (name: string, measured: number | undefined, required: number, unit = '×'): Target => ({
    name,
    measured,
    required,
    unit,
  });
  return [
    times(
      'fanout threads `run` ÷ piscina `run`',
      ratio(rate('fanout', 'threads', 'run'), rate('piscina', 'threads', 'run')),
      TARGET_RUN_VS_PISCINA,
    ),
    times(
      'fanout threads `map` ÷ Python `Pool.map`',
      ratio(rate('fanout', 'threads', 'map'), python),
      TARGET_MAP_VS_PYTHON,
    ),
    times(
      'fanout processes `map` ÷ Python `Pool.map`',
      ratio(rate('fanout', 'processes', 'map'), python),
      TARGET_MAP_VS_PYTHON,
    ),
    times('threads CPU speed-up ÷ cores', efficiency('threads'), TARGET_EFFICIENCY, ''),
    times('processes CPU speed-up ÷ cores', efficiency('processes'), TARGET_EFFICIENCY, ''),
  ];
}

export function targetsTable(list: readonly Target[]): string {
  return markdownTable(
    ['target', 'measured', 'required', 'verdict'],
    list.map((target) => [
      target.name,
      target.measured === undefined ? '—' : `${target.measured.toFixed(3)}${target.unit}`,
      `≥ ${target.required}${target.unit}`,
      verdict(target),
    ]),
  );
}
