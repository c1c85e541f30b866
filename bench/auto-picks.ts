/**
 * Does `auto` still pick the plain answer for the plain jobs (issue 11)? Three jobs, each run by
 * `fanout run` under `--strategy auto` (advice included) and under fixed configurations, in one run:
 *
 * - waits only: the built-in `download` against a loopback server that answers after `--wait-ms`;
 * - computes only: `sum-of-squares` over `--cpu-inputs` sizes of `--cpu-n`;
 * - too small: `sum-of-squares` over 5 small sizes.
 *
 * Each row is a configuration's wall time (spawn to exit) and its ratio to the best configuration
 * measured for that job; the auto row says what it chose and what its advice cost. The target: auto
 * within 1.1 × of the best.
 *
 * The runs go in rounds, each running every configuration of the job once, so that the machine's load
 * drifting weighs on all of them alike. `--jobs` picks the jobs (wait, cpu, small); the small job, about
 * 100 ms, runs `--small-runs` rounds, since a tenth of a second is noisy. `--base-cli` adds an auto row
 * run by another build's CLI (say /work/main/dist/src/cli/main.js): a before and after in one run.
 *
 *   npm run build && node dist/bench/auto-picks.js [--jobs wait,cpu,small] [--wait-inputs 3000] [--wait-ms 50]
 *     [--cpu-inputs 60] [--cpu-n 20000000] [--runs 3] [--small-runs 15] [--base-cli PATH]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../src/workloads/server.js';
import { type Config, formatRuns, type Row, type Run, rowOf, runOnce } from './fanout-run.js';

/** Issue 11: auto within this factor of the best configuration measured for each plain job. */
const TARGET = 1.1;

interface Job {
  /** Its name for `--jobs`. */
  key: 'wait' | 'cpu' | 'small';
  name: string;
  task: string;
  inputs: unknown[];
  configs: Config[];
}

const fixed = (strategy: string, concurrency?: number): Config => ({
  label: concurrency === undefined ? strategy : `${strategy} ${concurrency}`,
  args: ['--strategy', strategy, ...(concurrency === undefined ? [] : ['--concurrency', `${concurrency}`])],
  pure: true,
});

const AUTO: Config = { label: 'auto (advice included)', args: ['--strategy', 'auto'], pure: false };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'wait-inputs': { type: 'string', default: '3000' },
      'wait-ms': { type: 'string', default: '50' },
      'cpu-inputs': { type: 'string', default: '60' },
      'cpu-n': { type: 'string', default: '20000000' },
      runs: { type: 'string', default: '3' },
      'small-runs': { type: 'string', default: '15' },
      jobs: { type: 'string', default: 'wait,cpu,small' },
      'base-cli': { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  const smallRuns = Number(values['small-runs']);
  const wanted = new Set(values.jobs.split(','));
  const base = values['base-cli'];
  const baseAuto: Config | null = base ? { ...AUTO, label: 'auto, base build', cli: base } : null;
  const cores = availableParallelism();
  const waitMs = Number(values['wait-ms']);
  const loadBefore = loadavg()[0]!;
  const server = await startServer({ delay: waitMs });
  const dir = mkdtempSync(join(tmpdir(), 'fanout-auto-picks-'));
  const print = (text = ''): void => void process.stdout.write(`${text}\n`);
  try {
    const waitCount = Number(values['wait-inputs']);
    const cpuCount = Number(values['cpu-inputs']);
    const cpuN = Number(values['cpu-n']);
    const jobs: Job[] = [
      {
        key: 'wait',
        name: `waits only: download, ${waitCount} GETs answered after ${waitMs} ms`,
        task: 'download',
        inputs: Array.from({ length: waitCount }, (_, i) => `${server.url}?id=${i}`),
        // No workers: one GET at a time each, they take minutes here (threads 2: 9 × async 64).
        configs: [fixed('async', 16), fixed('async', 64), fixed('async', 256), fixed('async', 1024), AUTO],
      },
      {
        key: 'cpu',
        name: `computes only: sum-of-squares, ${cpuCount} inputs of n = ${cpuN}`,
        task: 'sum-of-squares',
        inputs: Array.from({ length: cpuCount }, (_, i) => cpuN + i),
        configs: [
          fixed('sequential'),
          fixed('async', 8),
          ...[...new Set([1, cores, 2 * cores])].map((n) => fixed('threads', n)),
          fixed('processes', cores),
          AUTO,
        ],
      },
      {
        key: 'small',
        name: 'too small: sum-of-squares, 5 inputs of n = 1,000',
        task: 'sum-of-squares',
        inputs: [1000, 1001, 1002, 1003, 1004],
        configs: [
          fixed('sequential'),
          fixed('async', 8),
          fixed('threads', cores),
          fixed('processes', cores),
          AUTO,
        ],
      },
    ];
    const tables: string[][] = [];
    const verdicts: string[] = [];
    for (const job of jobs.filter((j) => wanted.has(j.key))) {
      const inputs = join(dir, `${job.task}.ndjson`);
      writeFileSync(inputs, `${job.inputs.map((input) => JSON.stringify(input)).join('\n')}\n`);
      const configs = baseAuto ? [...job.configs, baseAuto] : job.configs;
      const done = configs.map((): Run[] => []);
      const rounds = job.key === 'small' ? smallRuns : runs;
      for (let round = 0; round < rounds; round++) {
        for (const [c, config] of configs.entries()) {
          done[c]!.push(await runOnce(job.task, config, inputs, join(dir, 'out.ndjson'), job.inputs.length));
        }
      }
      const rows: Row[] = configs.map((config, c) => rowOf(config, done[c]!));
      const best = rows.filter((r) => r.pure && !r.failed).reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const autos = rows.filter((r) => r.label === AUTO.label || r.label === baseAuto?.label);
      tables.push([
        `${job.name}:`,
        '',
        '| configuration | wall, median (min–max) | × best | note |',
        '|---|---:|---:|---|',
        ...rows.map(
          (row) =>
            `| ${row.label} | ${formatRuns(row)} | ${(row.seconds / best.seconds).toFixed(2)} | ${row === best ? 'best fixed' : row.note} |`,
        ),
      ]);
      for (const auto of autos) {
        const ratio = auto.seconds / best.seconds;
        verdicts.push(
          `${job.name.split(':')[0]}: ${auto.label} ${ratio.toFixed(2)} × the best (${best.label}), ${ratio <= TARGET ? 'within' : 'beyond'} ${TARGET} ×`,
        );
      }
    }
    print(
      `auto against fixed configurations, in one run of the bench: ${cores} cores, load ${loadBefore.toFixed(2)} before, ` +
        `${loadavg()[0]!.toFixed(2)} after; each row the median of ${runs} run${runs === 1 ? '' : 's'} ` +
        `(the small job's of ${smallRuns}), run in rounds of every configuration once.`,
    );
    for (const table of tables) {
      print();
      for (const line of table) print(line);
    }
    print();
    for (const verdict of verdicts) print(verdict);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
