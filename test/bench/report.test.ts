// The bench's arithmetic and tables (pure); the bench itself runs with `npm run bench`, never in tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuTable, targets, throughputTable } from '../../bench/report.js';
import { type CpuRow, type ThroughputRow, throughput, verdict } from '../../bench/rows.js';
import { squareSumExact } from '../../bench/square-sum.js';
import { summarize } from '../../bench/stats.js';
import { markdownTable } from '../../bench/table.js';

const row = (pool: string, mode: 'run' | 'map', seconds: number[]): ThroughputRow => ({
  pool,
  runtime: pool === 'Python multiprocessing' ? 'processes' : 'threads',
  mode,
  how: '',
  inputs: 1000,
  samples: seconds,
});

test('summarize gives the median, min and max, for odd and even counts', () => {
  assert.deepEqual(summarize([3, 1, 2]), { median: 2, min: 1, max: 3 });
  assert.deepEqual(summarize([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4 });
  assert.throws(() => summarize([]), RangeError);
});

test('throughput is inputs per second of each repetition', () => {
  assert.deepEqual(throughput(row('fanout', 'run', [0.5, 1, 2])), { median: 1000, min: 500, max: 2000 });
  assert.equal(throughput({ ...row('piscina', 'map', []), samples: undefined }), undefined);
});

test('targets are ratios from the same run, judged against their thresholds', () => {
  const rows = [
    row('fanout', 'run', [0.1]),
    row('piscina', 'run', [1]),
    row('fanout', 'map', [2]),
    row('Python multiprocessing', 'map', [1]),
  ];
  const cpu: CpuRow[] = [
    { strategy: 'sequential', samples: [4] },
    { strategy: 'threads', samples: [2] },
  ];
  const [run, map, processesMap, threads, processes] = targets(rows, cpu, 2);
  assert.equal(run!.measured, 10);
  assert.equal(verdict(run!), 'met');
  assert.equal(map!.measured, 0.5);
  assert.equal(verdict(map!), 'missed by 50%');
  assert.equal(verdict(processesMap!), 'not measured');
  assert.equal(threads!.measured, 1);
  assert.equal(processes!.measured, undefined);
  assert.match(throughputTable(rows), /\| 10\.00× \|/);
  assert.match(cpuTable(cpu, 2), /\| threads +\| 2\.00 +\| 2\.00 – 2\.00 +\| 2\.00× +\| 1\.00 +\|/);
});

test('markdownTable pads every column to its widest cell', () => {
  assert.equal(markdownTable(['a', 'bb'], [['ccc', 'd']]), '| a   | bb |\n|-----|----|\n| ccc | d  |');
});

test('the closed form agrees with a direct sum', () => {
  let sum = 0n;
  for (let i = 0n; i < 1000n; i++) sum += i * i;
  assert.equal(squareSumExact(1000), sum);
  assert.equal(squareSumExact(0), 0n);
});

test('the exact task matches the closed form up to its largest n; the plain loop does not', async () => {
  const tasks = new URL('../../../bench/tasks/', import.meta.url);
  const load = async (file: string): Promise<(n: number) => unknown> =>
    ((await import(new URL(file, tasks).href)) as { default: (n: number) => unknown }).default;
  const exact = await load('square-sum.mjs');
  const plain = await load('square-sum-plain.mjs');
  const MAX_N = 94_906_266;
  for (const n of [0, 1, 2, 3, 4, 5, 6, 1000, 5_000_000, MAX_N]) assert.equal(exact(n), squareSumExact(n));
  assert.notEqual(BigInt(plain(5_000_000) as number), squareSumExact(5_000_000));
  assert.throws(() => exact(MAX_N + 1), RangeError);
});
