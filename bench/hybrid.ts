/**
 * The hybrid's bench (issue 11): the mixed job — the built-in `fetch-and-hash` workload, a GET that
 * waits ~50 ms on a loopback server, then ~10 ms of SHA-256 rounds over the body — run by `fanout run`
 * under each pure model at several settings, under the hybrid (threads, one worker per core, K tasks
 * in flight on each), and under `--strategy auto`, advice included. One run, one machine: compare the
 * rows as ratios.
 *
 *   npm run build && node dist/bench/hybrid.js [--inputs 1200] [--wait-ms 50]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_HASH_ROUNDS } from '../src/workloads/fetch-and-hash.js';
import { startServer } from '../src/workloads/server.js';

/** The CPU one task's hashing costs on this machine, in ms: the median of a few timed rounds. */
async function measureCpuMs(): Promise<number> {
  const { createHash } = await import('node:crypto');
  const body = Buffer.alloc(2443, 'x');
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = process.cpuUsage();
    let digest = Buffer.alloc(32);
    for (let i = 0; i < DEFAULT_HASH_ROUNDS; i++)
      digest = createHash('sha256').update(body).update(digest).digest();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const TASK = 'fetch-and-hash';

interface Config {
  label: string;
  args: string[];
  pure: boolean;
}

/** The errors of the failed lines, counted by name: `3 HeadersTimeoutError`. */
function failures(out: string): string {
  const counts = new Map<string, number>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    if (!line) continue;
    const parsed = JSON.parse(line) as { ok: boolean; error?: { name: string } };
    if (!parsed.ok) counts.set(parsed.error!.name, (counts.get(parsed.error!.name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => `${n} ${name}`).join(', ');
}

/** What `auto` chose and what its advice cost, from run's summary: `chose threads ×2×8; advice 1.2 s, ran 40 inputs`. */
export function autoNote(stderr: string): string {
  const line = /auto chose (\S+(?: ×\S+)?)(?: after (.+) of advice, which ran (.+) of the job)?:/.exec(
    stderr,
  );
  if (!line) return '';
  return line[2] === undefined
    ? `chose ${line[1]}`
    : `chose ${line[1]}; advice ${line[2]}, ran ${line[3]} of the job`;
}

function runOnce(config: Config, inputs: string, out: string): Promise<{ seconds: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [CLI, 'run', TASK, '--inputs', inputs, '--out', out, ...config.args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - start) / 1000;
      // Exit 1: some inputs failed, each recorded; the row says which. Anything else is the bench's failure.
      if (code !== 0 && code !== 1) reject(new Error(`${config.label}: exit ${code}\n${stderr}`));
      else resolve({ seconds, stderr });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      inputs: { type: 'string', default: '1200' },
      'wait-ms': { type: 'string', default: '50' },
    },
  });
  const count = Number(values.inputs);
  const waitMs = Number(values['wait-ms']);
  const cores = availableParallelism();
  const server = await startServer({ delay: waitMs });
  const dir = mkdtempSync(join(tmpdir(), 'fanout-hybrid-'));
  try {
    const inputs = join(dir, 'inputs.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(JSON.stringify(`${server.url}?id=${i}`));
    writeFileSync(inputs, `${lines.join('\n')}\n`);
    const configs: Config[] = [
      ...[16, 64, 256].map((n) => ({
        label: `async ${n}`,
        args: ['--strategy', 'async', '--concurrency', `${n}`],
        pure: true,
      })),
      ...[cores, 4 * cores, 16 * cores].map((n) => ({
        label: `threads ${n}`,
        args: ['--strategy', 'threads', '--concurrency', `${n}`],
        pure: true,
      })),
      ...[cores, 4 * cores].map((n) => ({
        label: `processes ${n}`,
        args: ['--strategy', 'processes', '--concurrency', `${n}`],
        pure: true,
      })),
      ...[8, 16].map((k) => ({
        label: `hybrid threads=${cores}x${k}`,
        args: ['--strategy', 'threads', '--concurrency', `${cores}`, '--in-flight', `${k}`],
        pure: false,
      })),
      { label: 'auto (advice included)', args: ['--strategy', 'auto'], pure: false },
    ];
    const rows: { label: string; seconds: number; pure: boolean; note: string }[] = [];
    for (const config of configs) {
      process.stderr.write(`bench: ${config.label}\n`);
      const { seconds, stderr } = await runOnce(config, inputs, join(dir, `out-${rows.length}.ndjson`));
      const chose = autoNote(stderr);
      const failed = failures(join(dir, `out-${rows.length}.ndjson`));
      const note = [chose, failed ? `failed: ${failed}` : ''].filter(Boolean).join('; ');
      rows.push({ label: config.label, seconds, pure: config.pure, note });
      process.stderr.write(`bench: ${config.label}: ${seconds.toFixed(2)} s ${note}\n`);
      rmSync(join(dir, `out-${rows.length - 1}.ndjson`), { force: true });
    }
    // Only a configuration that got every input through counts as a best.
    const bestPure = rows
      .filter((r) => r.pure && !r.note.includes('failed'))
      .reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const cpuMs = await measureCpuMs();
    const ideal = (count * cpuMs) / cores / 1000;
    const print = (text: string): void => void process.stdout.write(`${text}\n`);
    print(
      `Mixed job (fetch-and-hash): ${count} inputs, each a GET that waits ${waitMs} ms on a loopback server, then ` +
        `${DEFAULT_HASH_ROUNDS} SHA-256 rounds (${cpuMs.toFixed(1)} ms of CPU here, measured); ${cores} cores, load ` +
        `${loadavg()[0]!.toFixed(2)}. Ideal (CPU ÷ cores): ${ideal.toFixed(1)} s.`,
    );
    print('');
    print('| configuration | wall | × best pure | note |');
    print('|---|---:|---:|---|');
    for (const row of rows) {
      print(
        `| ${row.label} | ${row.seconds.toFixed(2)} s | ${(row.seconds / bestPure.seconds).toFixed(2)} | ${row === bestPure ? 'best pure model' : row.note} |`,
      );
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
