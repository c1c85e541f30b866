/**
 * Adaptive concurrency against fixed limits, on a service whose capacity changes during the run.
 *
 * The service is `fanout serve --capacity 64` in a child process (so it does not share an event loop
 * with the client), each request served in --service-ms. The same work for every row: the first
 * --phase inputs at capacity 64, the next --phase / 3 at capacity 8 (set through POST /capacity once
 * that many results are in), the last --phase at 64 again. Rows: `async` at fixed limits 1, 4, 16, 64,
 * 256 and at `adaptive`, one after another; per row the total time and the latency of the tasks
 * (median, p95, p99, from the executor's timeline: queueing at the service included).
 *
 *   npm run build && node dist/bench/adaptive.js [--service-ms 50] [--phase 1200] [--rows 1,4,16,64,256,adaptive]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { createExecutor } from '../src/index.js';
import { WORKLOADS } from '../src/workloads/index.js';
import { describeMachine, machineLine } from './machine.js';
import { formatCount, markdownTable } from './table.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const HIGH = 64;
const LOW = 8;
const DEFAULT_ROWS = '1,4,16,64,256,adaptive';

interface Row {
  limit: string;
  totalMs: number;
  latencies: number[];
  failed: number;
  range: { min: number; max: number } | undefined;
}

const print = (text = ''): void => void process.stdout.write(`${text}\n`);
const progress = (text: string): void => void process.stderr.write(`bench adaptive: ${text}\n`);

async function startService(serviceMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--delay', String(serviceMs), '--capacity', String(HIGH)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let text = '';
  child.stdout!.setEncoding('utf8');
  while (!/listening on (\S+)/.test(text)) {
    const [chunk] = (await once(child.stdout!, 'data')) as [string];
    text += chunk;
  }
  child.stdout!.resume();
  return { url: /listening on (\S+)/.exec(text)![1]!, child };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function runRow(url: string, control: Agent, limit: string, phase: number): Promise<Row> {
  const setCapacity = async (capacity: number): Promise<void> => {
    const response = await request(`${url}capacity?c=${capacity}`, { method: 'POST', dispatcher: control });
    await response.body.text();
  };
  await setCapacity(HIGH);
  const lowFrom = phase;
  const highAgainFrom = phase + Math.round(phase / 3);
  const total = highAgainFrom + phase;
  const urls = Array.from({ length: total }, () => url);
  const executor = createExecutor<string, number>({
    task: WORKLOADS.download,
    strategy: 'async',
    concurrency: limit === 'adaptive' ? 'adaptive' : Number(limit),
    timeline: true,
  });
  let done = 0;
  let failed = 0;
  const started = performance.now();
  try {
    for await (const outcome of executor.stream(urls, { settle: true })) {
      done++;
      if (outcome.status === 'rejected') failed++;
      if (done === lowFrom) await setCapacity(LOW);
      if (done === highAgainFrom) await setCapacity(HIGH);
    }
  } finally {
    await executor.close();
  }
  const totalMs = performance.now() - started;
  const latencies = executor
    .timeline()
    .map((entry) => entry.end - entry.start)
    .sort((a, b) => a - b);
  return {
    limit,
    totalMs,
    latencies,
    failed,
    range: executor.adaptive ? executor.concurrencyRange() : undefined,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'service-ms': { type: 'string', default: '50' },
      phase: { type: 'string', default: '1200' },
      rows: { type: 'string', default: DEFAULT_ROWS },
    },
  });
  const serviceMs = Number(values['service-ms']);
  const phase = Number(values.phase);
  const limits = values.rows.split(',').map((row) => row.trim());
  const machine = describeMachine();
  progress(machineLine(machine));
  const { url, child } = await startService(serviceMs);
  const control = new Agent();
  const rows: Row[] = [];
  try {
    for (const limit of limits) {
      progress(`${limit === 'adaptive' ? 'adaptive' : `fixed ${limit}`}…`);
      rows.push(await runRow(url, control, limit, phase));
    }
  } finally {
    await control.close();
    child.kill('SIGINT');
    await once(child, 'exit');
  }
  const inputs = 2 * phase + Math.round(phase / 3);
  print(`Machine: ${machineLine(machine)}`);
  print(
    `async, download workload; the service (fanout serve, another process) answers each request after ${serviceMs} ms, ` +
      `${HIGH} at once for the first ${formatCount(phase)} results, ${LOW} for the next ${formatCount(Math.round(phase / 3))}, ` +
      `${HIGH} for the last ${formatCount(phase)}: ${formatCount(inputs)} inputs per row. Latency: per task, from its start in the executor to its result.`,
  );
  print();
  const ms = (value: number): string => `${formatCount(value)} ms`;
  print(
    markdownTable(
      ['limit', 'total time', 'tasks/s', 'latency p50', 'p95', 'p99', 'failed', 'limit during the run'],
      rows.map((row) => [
        row.limit,
        `${(row.totalMs / 1000).toFixed(2)} s`,
        formatCount((inputs * 1000) / row.totalMs),
        ms(quantile(row.latencies, 0.5)),
        ms(quantile(row.latencies, 0.95)),
        ms(quantile(row.latencies, 0.99)),
        formatCount(row.failed),
        row.range ? `${row.range.min}–${row.range.max}` : row.limit,
      ]),
    ),
  );
}

await main();
