/**
 * `fanout run` at scale: 100,000 and 1,000,000 no-op inputs from a file under async, threads and
 * processes; wall time, throughput and peak RSS (fanout's own process, and its largest worker process).
 * The target: fanout's peak RSS under 200 MB, and flat from 100k to 1M inputs.
 *
 *   npm run build && node dist/bench/run-scale.js [--counts 100000,1000000] [--strategies async,threads,processes]
 */
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const PEAK = pathToFileURL(fileURLToPath(new URL('./peak-rss.js', import.meta.url))).href;
const NOOP = fileURLToPath(new URL('../../test/fixtures/noop.mjs', import.meta.url));
const TARGET_MB = 200;
const WRITE_CHUNK = 10_000;

interface Row {
  strategy: string;
  count: number;
  seconds: number;
  mainMb: number;
  workerMb: number | undefined;
}

function writeInputs(path: string, count: number): void {
  const fd = openSync(path, 'w');
  for (let start = 0; start < count; start += WRITE_CHUNK) {
    let text = '';
    for (let n = start; n < Math.min(count, start + WRITE_CHUNK); n++) text += `${n}\n`;
    writeSync(fd, text);
  }
  closeSync(fd);
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    for (let at = (chunk as Buffer).indexOf(10); at !== -1; at = (chunk as Buffer).indexOf(10, at + 1))
      lines++;
  }
  return lines;
}

async function measure(dir: string, inputs: string, count: number, strategy: string): Promise<Row> {
  const out = join(dir, `out-${strategy}-${count}.ndjson`);
  const peaks = join(dir, `peak-${strategy}-${count}.txt`);
  const args = [
    '--import',
    PEAK,
    CLI,
    'run',
    NOOP,
    '--inputs',
    inputs,
    '--out',
    out,
    '--strategy',
    strategy,
    '--quiet',
  ];
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, FANOUT_PEAK_RSS_FILE: peaks },
    });
    child.on('close', resolve);
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${strategy} × ${count}: fanout run exited ${code}`);
  const lines = await countLines(out);
  if (lines !== count) throw new Error(`${strategy} × ${count}: ${lines} lines for ${count} inputs`);
  rmSync(out);
  let mainMb = 0;
  let workerMb: number | undefined;
  for (const line of readFileSync(peaks, 'utf8').trim().split('\n')) {
    const [role, , kb] = line.split(' ');
    const mb = Number(kb) / 1024;
    if (role === 'main') mainMb = mb;
    else workerMb = Math.max(workerMb ?? 0, mb);
  }
  return { strategy, count, seconds, mainMb, workerMb };
}

const fmt = new Intl.NumberFormat('en-US');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      counts: { type: 'string', default: '100000,1000000' },
      strategies: { type: 'string', default: 'async,threads,processes' },
    },
  });
  const counts = values.counts.split(',').map(Number);
  const strategies = values.strategies.split(',');
  const dir = mkdtempSync(join(tmpdir(), 'fanout-run-scale-'));
  const rows: Row[] = [];
  try {
    for (const count of counts) {
      const inputs = join(dir, `inputs-${count}.ndjson`);
      writeInputs(inputs, count);
      for (const strategy of strategies) {
        const row = await measure(dir, inputs, count, strategy);
        rows.push(row);
        process.stderr.write(`${strategy} × ${fmt.format(count)}: ${row.seconds.toFixed(1)} s\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [cpus, load] = [availableParallelism(), loadavg()[0]!.toFixed(1)];
  console.log(
    `fanout run, no-op task, Node ${process.version}, ${cpus} cores, load average ${load} at the end\n`,
  );
  console.log(
    '| strategy | inputs | wall | inputs/s | peak RSS, fanout | peak RSS, largest worker process |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const worker = row.workerMb === undefined ? '— (in-process)' : `${row.workerMb.toFixed(0)} MB`;
    console.log(
      `| ${row.strategy} | ${fmt.format(row.count)} | ${row.seconds.toFixed(1)} s | ${fmt.format(Math.round(row.count / row.seconds))} | ${row.mainMb.toFixed(0)} MB | ${worker} |`,
    );
  }
  const over = rows.filter((row) => row.mainMb >= TARGET_MB);
  console.log(
    over.length === 0
      ? `\nfanout's peak RSS stayed under ${TARGET_MB} MB in every run.`
      : `\nover ${TARGET_MB} MB: ${over.map((row) => `${row.strategy} × ${fmt.format(row.count)}`).join(', ')}`,
  );
}

await main();
