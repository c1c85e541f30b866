/**
 * `npm test`'s runner: the test files in two tiers, then the slowest files and one closing count.
 * - unit: every *.test.js but the timing ones, in one `node --test`, UNIT_CONCURRENCY files at a time.
 * - timing: *.timing.test.js, whose verdicts hang on wall-clock times measured on a shared machine.
 *   One file at a time, so our own tests do not load the cores under them; a file that fails runs
 *   again after a pause, up to TIMING_ATTEMPTS in all. Each retry is said, and so is a pass that
 *   needed one. What the tests assert is theirs; only the attempts are the runner's.
 * Usage: node dist/test/support/run-tiers.js [--tier unit|timing] [--retry-pause-ms n] [dir]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FileTime } from './file-times.js';
import { formatSlowest, type SlowFile } from './slowest-files.js';

/** Unit-tier files run at once: the machine has 2 cores. */
export const UNIT_CONCURRENCY = 2;
/** Attempts a timing-tier file gets before its failure stands. */
export const TIMING_ATTEMPTS = 3;
/** Wait before a retry, so that a burst of someone else's load can pass. */
const RETRY_PAUSE_MS = 5000;
const TEST_SUFFIX = '.test.js';
const TIMING_SUFFIX = '.timing.test.js';
const FILE_TIMES = fileURLToPath(new URL('./file-times.js', import.meta.url));
/** The compiled tests: dist/test, the folder above this one. */
const DEFAULT_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(TEST_SUFFIX))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** One `node --test`: spec on stdout, the file times into `records`. Resolves with its exit code. */
function nodeTest(files: string[], concurrency: number, records: string): Promise<number> {
  const args = [
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${FILE_TIMES}`,
    `--test-reporter-destination=${records}`,
    ...files,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function readTimes(records: string): FileTime[] {
  let text: string;
  try {
    text = readFileSync(records, 'utf8');
  } catch {
    return []; // a run that reported no file writes nothing
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FileTime);
}

/** Adds a run's counts; a run that failed must never close on "0 failed", whatever it reported. */
function addCounts(counts: Counts, times: FileTime[], exitCode: number): void {
  let failed = 0;
  for (const t of times) {
    counts.passed += t.passed;
    counts.skipped += t.skipped;
    failed += t.failed;
  }
  counts.failed += exitCode !== 0 && failed === 0 ? 1 : failed;
}

const fileCount = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;
const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

interface TimingOutcome {
  code: number;
  /** The last attempt's file times: a pass that needed a retry counts its tests once. */
  times: FileTime[];
  /** Every attempt's time added up: what the file cost the run. */
  ms: number;
  attempts: number;
}

/** One timing-tier file, tried again after a pause until it passes or has had TIMING_ATTEMPTS. */
async function runTimingFile(test: string, pauseMs: number, records: () => string): Promise<TimingOutcome> {
  const name = path.relative(process.cwd(), test);
  let ms = 0;
  for (let attempt = 1; ; attempt++) {
    const file = records();
    const code = await nodeTest([test], 1, file);
    const times = readTimes(file);
    ms += times.reduce((sum, t) => sum + t.ms, 0);
    if (code === 0 || attempt === TIMING_ATTEMPTS) return { code, times, ms, attempts: attempt };
    say(
      `\ntiming tier: ${name} failed on attempt ${attempt} of ${TIMING_ATTEMPTS}; ` +
        `running it again in ${seconds(pauseMs)}\n`,
    );
    await sleep(pauseMs);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { tier: { type: 'string' }, 'retry-pause-ms': { type: 'string' } },
    allowPositionals: true,
  });
  const tier = values.tier ?? 'all';
  if (!['all', 'unit', 'timing'].includes(tier)) throw new Error(`--tier: unit or timing, got ${tier}`);
  const pauseMs = Number(values['retry-pause-ms'] ?? RETRY_PAUSE_MS);
  if (!(pauseMs >= 0)) throw new Error(`--retry-pause-ms: a number of ms, got ${values['retry-pause-ms']}`);
  const found = findTests(path.resolve(positionals[0] ?? DEFAULT_DIR));
  const unit = tier === 'timing' ? [] : found.filter((file) => !file.endsWith(TIMING_SUFFIX));
  const timing = tier === 'unit' ? [] : found.filter((file) => file.endsWith(TIMING_SUFFIX));
  const recordsDir = mkdtempSync(path.join(tmpdir(), 'fanout-tiers-'));
  let runs = 0;
  const records = (): string => path.join(recordsDir, `run-${++runs}.ndjson`);
  const started = performance.now();
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const slow: SlowFile[] = [];
  const notes: string[] = [];
  let ok = true;
  try {
    if (unit.length > 0) {
      say(`\n== unit tier: ${fileCount(unit.length)}, ${UNIT_CONCURRENCY} at a time ==\n`);
      const file = records();
      const code = await nodeTest(unit, UNIT_CONCURRENCY, file);
      const times = readTimes(file);
      slow.push(...times);
      addCounts(counts, times, code);
      if (code !== 0) ok = false;
    }
    const unitMs = performance.now() - started;
    if (timing.length > 0) {
      say(
        `\n== timing tier: ${fileCount(timing.length)}, one at a time; ` +
          `a failed file runs again, up to ${TIMING_ATTEMPTS} attempts ==\n`,
      );
    }
    for (const test of timing) {
      const outcome = await runTimingFile(test, pauseMs, records);
      addCounts(counts, outcome.times, outcome.code);
      slow.push({ file: test, ms: outcome.ms, attempts: outcome.attempts });
      const name = path.relative(process.cwd(), test);
      if (outcome.code !== 0) {
        ok = false;
        notes.push(`timing tier: ${name} failed all ${TIMING_ATTEMPTS} attempts`);
      } else if (outcome.attempts > 1) {
        notes.push(`timing tier: ${name} passed on attempt ${outcome.attempts} of ${TIMING_ATTEMPTS}`);
      }
    }
    const totalMs = performance.now() - started;
    say(`\n${formatSlowest(slow)}`);
    for (const note of notes) say(note);
    say(
      `Tests took ${seconds(totalMs)}: unit tier ${seconds(unitMs)}, timing tier ${seconds(totalMs - unitMs)}.`,
    );
    // The closing count in the plain form CI reads: "N passed, N failed".
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
    say(`tests: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
  } finally {
    rmSync(recordsDir, { recursive: true, force: true });
  }
  return ok ? 0 : 1;
}

process.exitCode = await main();
