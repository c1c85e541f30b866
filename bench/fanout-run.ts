/**
 * What the `fanout run` benches share: one configuration run as a real `fanout run` child process,
 * timed from spawn to exit, and what its output and summary say (failures, what `auto` chose).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export interface Config {
  label: string;
  args: string[];
  /** A fixed configuration of one of the models (not the hybrid, not auto). */
  pure: boolean;
  /** Another build's CLI to run it with (a before/after in one run); this build's when absent. */
  cli?: string;
}

export interface Row {
  label: string;
  /** The median of the runs' wall times. */
  seconds: number;
  /** Every run's wall time, in the order run. */
  runs: number[];
  pure: boolean;
  /** What auto chose and what its advice cost; failures by name. */
  note: string;
  failed: boolean;
}

/** The errors of the failed lines, counted by name: `3 HeadersTimeoutError`. */
export function failures(out: string): string {
  const counts = new Map<string, number>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    if (!line) continue;
    const parsed = JSON.parse(line) as { ok: boolean; error?: { name: string } };
    if (!parsed.ok) counts.set(parsed.error!.name, (counts.get(parsed.error!.name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => `${n} ${name}`).join(', ');
}

/** What `auto` chose and what its advice cost, from run's summary: `chose threads 2×8; advice 1.2 s, ran 40 inputs`. */
export function autoNote(stderr: string): string {
  const line = /auto chose (.+?)(?: after (.+) of advice, which ran (.+) of the job)?:/.exec(stderr);
  if (!line) return '';
  return line[2] === undefined
    ? `chose ${line[1]}`
    : `chose ${line[1]}; advice ${line[2]}, ran ${line[3]} of the job`;
}

function spawnRun(
  task: string,
  config: Config,
  inputs: string,
  out: string,
): Promise<{ seconds: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [config.cli ?? CLI, 'run', task, '--inputs', inputs, '--out', out, ...config.args],
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

/** One run of `task` under `config` on the inputs file: one line per input checked. */
export async function runOnce(
  task: string,
  config: Config,
  inputs: string,
  out: string,
  count: number,
): Promise<Run> {
  const { seconds, stderr } = await spawnRun(task, config, inputs, out);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean).length;
  if (lines !== count) throw new Error(`${config.label}: ${lines} result lines for ${count} inputs`);
  const failed = failures(out);
  rmSync(out, { force: true });
  rmSync(`${out}.fanout.json`, { force: true });
  const note = [autoNote(stderr), failed ? `failed: ${failed}` : ''].filter(Boolean).join('; ');
  process.stderr.write(`bench: ${task}: ${config.label}: ${seconds.toFixed(2)} s ${note}\n`);
  return { seconds, note, failed: failed !== '' };
}

/**
 * Runs `task` under `config` `runs` times and gives the median run's row (its note is that run's):
 * on a shared machine one run says little.
 */
export async function runConfig(
  task: string,
  config: Config,
  inputs: string,
  out: string,
  count: number,
  runs = 1,
): Promise<Row> {
  const done: Run[] = [];
  for (let run = 0; run < runs; run++) done.push(await runOnce(task, config, inputs, out, count));
  return rowOf(config, done);
}

export interface Run {
  seconds: number;
  note: string;
  failed: boolean;
}

/** A configuration's row from its runs: the median run's time and note. */
export function rowOf(config: Config, done: readonly Run[]): Row {
  const median = [...done].sort((a, b) => a.seconds - b.seconds)[Math.floor((done.length - 1) / 2)]!;
  return {
    label: config.label,
    seconds: median.seconds,
    runs: done.map((d) => d.seconds),
    pure: config.pure,
    note: median.note,
    failed: done.some((d) => d.failed),
  };
}

/** `1.23 s (1.20–1.31)`: the median, and the range when there was more than one run. */
export function formatRuns(row: Row): string {
  if (row.runs.length < 2) return `${row.seconds.toFixed(2)} s`;
  return `${row.seconds.toFixed(2)} s (${Math.min(...row.runs).toFixed(2)}–${Math.max(...row.runs).toFixed(2)})`;
}
