/**
 * A soak of `fanout run`: rounds of random inputs mixing every fault the fault task knows, under a random
 * strategy and retry count, each round interrupted at random (SIGINT, SIGINT twice, SIGTERM, SIGKILL)
 * and resumed until it completes. At the end of each round it checks the invariants: one line per
 * input, each line what its input's fault must give (values right, errors named, attempts counted),
 * the exit code matching the file, and no worker process left running.
 *
 *   npm run build && node dist/bench/soak.js [--seconds 60] [--seed N] [--strict]
 *
 * Exit 0 when every invariant held. "Collateral" failures (an input that should succeed failed with a
 * worker death or a time-out caused by its neighbour: an engine bug) are counted, and fail the soak
 * only with --strict.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const FAULTS = fileURLToPath(new URL('../../test/fixtures/run/faults.mjs', import.meta.url));
/** A single fanout run taking longer than this is a hang: a violation. */
const RUN_DEADLINE_MS = 120_000;
/** Leftover workers get this long to exit after fanout did. */
const LEFTOVER_DEADLINE_MS = 10_000;
const POLL_MS = 20;
const TIMEOUT_MS = 300;
const MAX_ATTEMPTS = 12;
/** The share of rounds run with --ordered. */
const ORDERED_SHARE = 0.3;

type Kind =
  | 'ok'
  | 'slow'
  | 'throw'
  | 'flaky'
  | 'always-fails'
  | 'malformed'
  | 'bigint'
  | 'undefined'
  | 'uncloneable'
  | 'cycle'
  | 'hang'
  | 'exit'
  | 'kill';
type Interruption = 'none' | 'SIGINT' | 'SIGINT twice' | 'SIGTERM' | 'SIGKILL';

interface Line {
  index: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string; attempts: number; code?: string };
}

/** mulberry32: a small seeded generator, so a failing mix can be replayed with --seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

function tagged(tag: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`FANOUT_SOAK_TAG=${tag}`))
        found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

function completeLines(path: string): Line[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  // A hard kill may leave a torn last line: the next --resume repairs it, so it is not counted here.
  const whole = text.slice(0, text.lastIndexOf('\n') + 1);
  return whole
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Line);
}

class Soak {
  readonly random: () => number;
  readonly strict: boolean;
  violations: string[] = [];
  collateral: string[] = [];
  rounds = 0;
  inputs = 0;
  runs = 0;
  interruptions = new Map<Interruption, number>();

  constructor(seed: number, strict: boolean) {
    this.random = seeded(seed);
    this.strict = strict;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  kinds(strategy: string): Kind[] {
    const kinds: Kind[] = [
      'throw',
      'flaky',
      'always-fails',
      'malformed',
      'bigint',
      'undefined',
      'uncloneable',
      'cycle',
      'hang',
    ];
    if (strategy === 'threads' || strategy === 'processes') kinds.push('exit');
    if (strategy === 'processes') kinds.push('kill');
    return kinds;
  }

  async round(): Promise<void> {
    const strategy = this.pick(['sequential', 'async', 'threads', 'processes']);
    const retries = this.pick([0, 1, 2]);
    const count = 40 + Math.floor(this.random() * 120);
    const faults = this.kinds(strategy);
    const kinds: Kind[] = Array.from({ length: count }, () => {
      const roll = this.random();
      if (roll < 0.55) return 'ok';
      if (roll < 0.75) return 'slow';
      return this.pick(faults);
    });
    const dir = mkdtempSync(join(tmpdir(), 'fanout-soak-'));
    try {
      const lines = kinds.map((kind, n) => {
        if (kind === 'malformed') return `{"n": ${n}, oops`;
        return JSON.stringify({
          n,
          do: kind,
          dir,
          ms: kind === 'slow' ? Math.floor(this.random() * 20) : undefined,
        });
      });
      writeFileSync(join(dir, 'in.ndjson'), `${lines.join('\n')}\n`);
      const out = join(dir, 'out.ndjson');
      const args = [FAULTS, '--inputs', join(dir, 'in.ndjson'), '--out', out, '--strategy', strategy];
      args.push('--retries', String(retries), '--timeout', String(TIMEOUT_MS));
      if (strategy !== 'sequential') args.push('--concurrency', String(this.pick([2, 3, 8])));
      const ordered = this.random() < ORDERED_SHARE;
      if (ordered) args.push('--ordered');
      const label = `round ${this.rounds + 1} (${strategy}, ${count} inputs, --retries ${retries}${ordered ? ', --ordered' : ''})`;
      let code: number | null = null;
      let runs = 0;
      for (let attempt = 0; ; attempt++) {
        runs++;
        if (attempt === MAX_ATTEMPTS) {
          this.violations.push(`${label}: not complete after ${MAX_ATTEMPTS} runs`);
          return;
        }
        const interruption: Interruption =
          this.random() < 0.6 / (attempt + 1)
            ? this.pick(['SIGINT', 'SIGINT twice', 'SIGTERM', 'SIGKILL'])
            : 'none';
        const result = await this.run(
          attempt === 0 ? args : [...args, '--resume'],
          out,
          count,
          interruption,
          label,
        );
        if (result === undefined) return;
        if (result.completed) {
          code = result.code;
          break;
        }
      }
      const results = completeLines(out);
      this.check(label, results, kinds, retries, code);
      // An --ordered run that was never interrupted wrote every line in index order.
      if (ordered && runs === 1 && results.some((line, i) => line.index !== i)) {
        this.violations.push(`${label}: lines out of order`);
      }
      this.rounds++;
      this.inputs += count;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** One fanout run; undefined when it broke an invariant (recorded). */
  async run(
    args: string[],
    out: string,
    count: number,
    interruption: Interruption,
    label: string,
  ): Promise<{ completed: boolean; code: number | null } | undefined> {
    const tag = randomUUID();
    this.runs++;
    let stderr = '';
    const child: ChildProcess = spawn(process.execPath, [CLI, 'run', ...args], {
      env: { ...process.env, FANOUT_SOAK_TAG: tag, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let exited = false;
    const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('close', (code, signal) => {
        exited = true;
        resolve({ code, signal });
      }),
    );
    if (interruption !== 'none') {
      // After this run has written a line or more: by then fanout handles its signals. (Before Node has
      // loaded fanout, a signal kills it the default way, with nothing started: not a case worth a soak.)
      const before = completeLines(out).length;
      const after = before + 1 + Math.floor(this.random() * (count / 2));
      await until(() => exited || completeLines(out).length >= after, RUN_DEADLINE_MS);
      if (!exited) {
        this.interruptions.set(interruption, (this.interruptions.get(interruption) ?? 0) + 1);
        if (interruption === 'SIGKILL') child.kill('SIGKILL');
        else if (interruption === 'SIGTERM') child.kill('SIGTERM');
        else {
          child.kill('SIGINT');
          if (interruption === 'SIGINT twice') {
            await until(() => exited || /stopping/.test(stderr), RUN_DEADLINE_MS);
            if (!exited) child.kill('SIGINT');
          }
        }
      }
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_DEADLINE_MS);
    const { code, signal } = await closed;
    clearTimeout(timer);
    if (!(await until(() => tagged(tag).length === 0, LEFTOVER_DEADLINE_MS))) {
      const left = tagged(tag);
      for (const pid of left) process.kill(pid, 'SIGKILL');
      this.violations.push(`${label}: workers left running after ${interruption}: ${left.join(', ')}`);
      return undefined;
    }
    const seen = new Set<number>();
    for (const line of completeLines(out)) {
      if (seen.has(line.index)) {
        this.violations.push(`${label}: index ${line.index} written twice (after ${interruption})`);
        return undefined;
      }
      seen.add(line.index);
    }
    if (code === 0 || code === 1) return { completed: true, code };
    const expected = signal === 'SIGKILL' || code === 130 || code === 143;
    if (!expected) {
      this.violations.push(`${label}: fanout ended with code ${code}, signal ${signal}: ${stderr.trim()}`);
      return undefined;
    }
    return { completed: false, code };
  }

  check(label: string, lines: Line[], kinds: Kind[], retries: number, code: number | null): void {
    const fail = (message: string) => this.violations.push(`${label}: ${message}`);
    const byIndex = new Map<number, Line>();
    for (const line of lines) byIndex.set(line.index, line);
    if (lines.length !== kinds.length || byIndex.size !== kinds.length) {
      fail(`${lines.length} lines, ${byIndex.size} distinct indices, for ${kinds.length} inputs`);
      return;
    }
    let anyFailed = false;
    for (const [n, kind] of kinds.entries()) {
      const line = byIndex.get(n);
      if (line === undefined) {
        fail(`no line for input ${n}`);
        continue;
      }
      anyFailed ||= !line.ok;
      const shown = JSON.stringify(line);
      const expectFailure = (name: string, attempts: number) => {
        if (line.ok || line.error?.name !== name || line.error.attempts !== attempts) {
          fail(`input ${n} (${kind}) should fail with ${name} after ${attempts} attempts: ${shown}`);
        }
      };
      switch (kind) {
        case 'ok':
        case 'slow':
        case 'flaky':
          if (line.ok && line.value === 2 * n) break;
          if (kind === 'flaky' && retries === 0 && line.error?.message === `first attempt at ${n} fails`)
            break;
          if (!line.ok && /WorkerDiedError|TimeoutError/.test(line.error?.name ?? '')) {
            this.collateral.push(`${label}: input ${n} (${kind}): ${shown}`);
            break;
          }
          fail(`input ${n} (${kind}) should be ${2 * n}: ${shown}`);
          break;
        case 'bigint':
          if (!line.ok || (line.value as { $bigint?: string }).$bigint !== (BigInt(n) ** 20n).toString()) {
            fail(`input ${n} (bigint): ${shown}`);
          }
          break;
        case 'undefined':
          if (!line.ok || 'value' in line) fail(`input ${n} (undefined): ${shown}`);
          break;
        case 'throw':
          expectFailure('TypeError', retries + 1);
          break;
        case 'always-fails':
          expectFailure('Error', retries + 1);
          break;
        case 'malformed':
          expectFailure('InputError', 0);
          break;
        case 'uncloneable':
          expectFailure('CloneError', 1);
          break;
        case 'cycle':
          expectFailure('OutputEncodingError', 1);
          break;
        case 'hang':
          expectFailure('TimeoutError', retries + 1);
          break;
        case 'exit':
        case 'kill':
          expectFailure('WorkerDiedError', retries + 1);
          break;
      }
    }
    if (code !== (anyFailed ? 1 : 0))
      fail(`exit code ${code} for a file ${anyFailed ? 'with' : 'without'} failures`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      seed: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const soak = new Soak(seed, values.strict);
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  do {
    await soak.round();
  } while (Date.now() < deadline);
  const interrupted =
    [...soak.interruptions].map(([kind, times]) => `${kind} ×${times}`).join(', ') || 'none';
  console.log(
    `soak (seed ${seed}): ${soak.rounds} rounds, ${soak.inputs} inputs, ${soak.runs} fanout runs ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s; interruptions: ${interrupted}`,
  );
  for (const line of soak.collateral) console.log(`collateral: ${line}`);
  for (const line of soak.violations) console.log(`VIOLATION: ${line}`);
  const broken = soak.violations.length > 0 || (soak.strict && soak.collateral.length > 0);
  console.log(broken ? 'invariants broken' : 'every invariant held');
  return broken ? 1 : 0;
}

process.exitCode = await main();
