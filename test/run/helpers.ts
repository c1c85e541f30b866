/**
 * Running `fanout run` as a real child process and checking what it left: the output lines, one per
 * input, and no worker still running. Every child gets a unique FANOUT_TEST_TAG in its environment,
 * which its worker processes inherit, so leftovers are found in /proc by that tag.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
export const FAULTS = fileURLToPath(new URL('../../../test/fixtures/run/faults.mjs', import.meta.url));
export const DOUBLE = fileURLToPath(new URL('../../../test/fixtures/double.mjs', import.meta.url));

/** How long a state may take to appear before a test gives up on it (a hang, not a slow machine). */
const STATE_DEADLINE_MS = 60_000;
const POLL_MS = 20;
/** How long worker processes may take to exit after fanout did. */
const LEFTOVER_DEADLINE_MS = 10_000;
/** How long after fanout exits its stdout and stderr may take to end. */
const STDIO_GRACE_MS = 5000;

export interface ResultLine {
  index: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string; attempts: number; code?: string };
}

export interface Fanout {
  child: ChildProcess;
  tag: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeInputs(path: string, inputs: unknown[]): void {
  writeFileSync(
    path,
    `${inputs.map((input) => (typeof input === 'string' ? input : JSON.stringify(input))).join('\n')}\n`,
  );
}

interface TestContext {
  after(fn: () => void): void;
}

/**
 * Starts `fanout run <args>`; `stdin` is written to its stdin (and closed) when given. A test that
 * fails half-way still ends the child (`t.after`), so no failure leaves a process behind.
 */
export function startFanout(
  t: TestContext,
  args: string[],
  options: { stdin?: string; openStdin?: boolean; detached?: boolean; env?: Record<string, string> } = {},
): Fanout {
  const tag = randomUUID();
  const child = spawn(process.execPath, [CLI, 'run', ...args], {
    env: { ...process.env, ...options.env, FANOUT_TEST_TAG: tag, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached,
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  // With openStdin the test writes stdin itself, and ends it.
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  else if (!options.openStdin) child.stdin!.end();
  let running = true;
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // 'close' waits for stdout and stderr to end, which a leftover worker holding them would prevent:
  // wait for the exit, then for the pipes only so long (the leftover check then reports the culprit).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      const grace = new Promise<void>((done) => setTimeout(done, STDIO_GRACE_MS).unref());
      void Promise.race([closed, grace]).then(() => resolve({ code, signal }));
    });
  });
  t.after(() => {
    if (running) child.kill('SIGKILL');
  });
  return { child, tag, stdout: () => out, stderr: () => err, exited };
}

/** Runs `fanout run <args>` to the end; checks no worker outlived it. */
export async function runFanout(
  t: TestContext,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const fanout = startFanout(t, args, options);
  const { code } = await fanout.exited;
  await assertNoWorkersLeft(fanout.tag);
  return { code, stdout: fanout.stdout(), stderr: fanout.stderr() };
}

/** Polls until `check` returns true (state shows in files, stderr or /proc, not in a message). */
export async function waitFor(
  what: string,
  check: () => boolean,
  deadlineMs = STATE_DEADLINE_MS,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function processesTagged(tag: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`FANOUT_TEST_TAG=${tag}`))
        found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** No process of this run (fanout, or a worker process) is left; threads die with fanout itself. */
/**
 * The watchdog shells of worker processes (src/strategies/pool/worker/process-entry.ts) among the
 * processes tagged `tag`, by pid: each holds the pid of the worker it would kill.
 */
export function watchdogShells(tag: string): Map<number, number> {
  const shells = new Map<number, number>();
  for (const pid of processesTagged(tag)) {
    try {
      const watched = /read line \|\| kill -9 (\d+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'latin1'));
      if (watched) shells.set(pid, Number(watched[1]));
    } catch {
      // Gone while we looked.
    }
  }
  return shells;
}

/** Kills whatever is still tagged `tag` (after a failed test: an orphan would hold the test's pipes open). */
export function killTagged(tag: string): void {
  for (const pid of processesTagged(tag)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

export async function assertNoWorkersLeft(tag: string, deadlineMs = LEFTOVER_DEADLINE_MS): Promise<void> {
  if (!existsSync('/proc/self/environ')) return; // not Linux: nothing to look in
  try {
    await waitFor('the workers to exit', () => processesTagged(tag).length === 0, deadlineMs);
  } catch {
    const left = processesTagged(tag);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    assert.fail(`workers left running: ${left.join(', ')}`);
  }
}

export function readLines(path: string): ResultLine[] {
  if (!existsSync(path)) return [];
  return parseLines(readFileSync(path, 'utf8'));
}

export function parseLines(text: string): ResultLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ResultLine);
}

export function lineCount(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '').length;
}

/** Exactly one line for each index 0…count−1, and no other; returns them by index. */
export function assertOneLinePerInput(lines: ResultLine[], count: number): Map<number, ResultLine> {
  const byIndex = new Map<number, ResultLine>();
  for (const line of lines) {
    assert.ok(
      Number.isInteger(line.index) && line.index >= 0 && line.index < count,
      `bad index ${line.index}`,
    );
    assert.ok(!byIndex.has(line.index), `index ${line.index} has more than one line`);
    byIndex.set(line.index, line);
  }
  const missing = [];
  for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
  assert.deepEqual(missing, [], 'every input has a line');
  return byIndex;
}
