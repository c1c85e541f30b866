/**
 * A soak of `fanout run`: rounds of random inputs mixing every fault the fault task knows (a synchronous
 * task that spins for ever and `process.exit` under every strategy, sequential and async included), under
 * a random strategy, retry count and, for threads and processes, tasks in flight per worker
 * (`--in-flight K`); each round interrupted at random (SIGINT, SIGINT twice, SIGTERM, SIGKILL) and
 * resumed until it completes. Some rounds also start a second run on the same --out while the first is
 * held mid-run (by an input that waits for a file): it must be refused (exit 3, naming the first). Some
 * are crowds: hundreds of quick inputs and one stuck one (a hang or a spin), where every other input must
 * succeed. At the end of each round it checks the invariants: one line per input, each line what its
 * input's fault must give (values right, errors named, attempts counted), the exit code matching the
 * file, and no worker process left running.
 *
 *   npm run build && node dist/bench/soak.js [--seconds 60] [--seed N] [--strict]
 *
 * Exit 0 when every invariant held. "Collateral" failures (an input that should succeed failed with a
 * worker death or a time-out caused by its neighbour: an engine bug) are counted, and fail the soak
 * only with --strict. One case is not collateral: with several tasks in flight on one worker (async on
 * its isolated thread, or --in-flight K), a crash takes them all down, and each may fail with a
 * WorkerDiedError saying it was "one of K inputs in flight on it" (counted as "shared a crash").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatLevel } from '../src/measure/configuration.js';
import { formatCount, markdownTable } from './table.js';

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
/** The share of rounds in which a second run is started on the same --out while the first is held. */
const CONCURRENT_SHARE = 0.25;
/** The exit code of a run refused because another run holds its --out. */
const EXIT_LOCKED = 3;
/** The share of threads and processes rounds run with --in-flight K, K in 2..MAX_IN_FLIGHT. */
const IN_FLIGHT_SHARE = 0.4;
const MAX_IN_FLIGHT = 16;
const CROWD_IN_FLIGHT_SHARE = 0.5;
/** The share of rounds that are crowds: many quick inputs and one stuck one. */
const CROWD_SHARE = 0.25;
const CROWD_MIN = 200;
const CROWD_MAX = 600;
/**
 * A crowd's time-out: long enough for every other input to finish on a loaded machine before the stuck
 * one times out, so that its line must come last when other workers (or the loop) are free.
 */
const CROWD_TIMEOUT_MS = 5000;
/** What a WorkerDiedError says when the dead worker had several inputs in flight. */
const SHARED_DEATH = /\(one of \d+ inputs in flight on it, all failed\)/;

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
  /** Synchronous and endless: only a time-out that replaces its worker stops it. */
  | 'spin'
  | 'exit'
  | 'kill'
  /** Holds the run until the soak creates `release` (concurrent rounds only: they run without --timeout). */
  | 'gate';
type Interruption = 'none' | 'SIGINT' | 'SIGINT twice' | 'SIGTERM' | 'SIGKILL';
type Strategy = 'sequential' | 'async' | 'threads' | 'processes';

/** What a round runs: its inputs' kinds and the options of `fanout run`. */
interface Plan {
  strategy: Strategy;
  kinds: Kind[];
  retries: number;
  /** Undefined in concurrent rounds: a gate must outlast a second run's start. */
  timeoutMs: number | undefined;
  concurrency: number;
  inFlight: number;
  ordered: boolean;
  /** The input that holds the first run while a second one is started (concurrent rounds). */
  gate: number | undefined;
  /** The one stuck input of a crowd round. */
  stuck: number | undefined;
}

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
  /** Collateral failures by round shape and error: `processes, --in-flight K: TimeoutError` → 12. */
  collateralBy = new Map<string, number>();
  /** The shape of the round being checked: its strategy, and whether several tasks share a worker. */
  shape = '';
  /** What the last run of the round printed on stderr: quoted when its file is short of lines. */
  lastStderr = '';
  rounds = 0;
  inputs = 0;
  runs = 0;
  interruptions = new Map<Interruption, number>();
  /** Runs a SIGINT/SIGTERM reached as they exited, after every line was written. */
  raced = 0;
  /** Second runs started on a --out another run held, and how many of them were refused. */
  concurrent = 0;
  refused = 0;
  /** Lines in the finished outputs; indices without a line, and with more than one. */
  linesWritten = 0;
  lost = 0;
  duplicated = 0;
  /** Inputs of the finished rounds, by the fault they injected ('ok' and 'slow' included). */
  injected = new Map<Kind, number>();
  /** Inputs that failed with the WorkerDiedError of a worker they shared with a crash (not collateral). */
  shared = 0;
  /** Crowd rounds, the inputs beside their stuck one, and how many of those succeeded. */
  crowds = 0;
  crowdOthers = 0;
  crowdDone = 0;
  /** Finished rounds with several tasks in flight per worker (--in-flight K, or async on its thread). */
  sharedLoops = 0;

  constructor(seed: number, strict: boolean) {
    this.random = seeded(seed);
    this.strict = strict;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** The faults a round may inject: hangs and spins under a time-out only; no crash sharing a loop with a gate. */
  faults(strategy: Strategy, timed: boolean, sharedLoop: boolean, concurrent: boolean): Kind[] {
    const kinds: Kind[] = [
      'throw',
      'flaky',
      'always-fails',
      'malformed',
      'bigint',
      'undefined',
      'uncloneable',
      'cycle',
    ];
    if (timed) kinds.push('hang', 'spin');
    // Every strategy runs the task off fanout's thread: an exit takes down a worker, never the run. A
    // crash shares its death with the gate when they share a loop: such a round could end before the
    // second run starts.
    if (!(concurrent && sharedLoop)) {
      kinds.push('exit');
      // A SIGKILL to its own pid: under the threads of one process, that would be fanout itself.
      if (strategy === 'processes') kinds.push('kill');
    }
    return kinds;
  }

  /** A round of random faults, now and then with a second run on the same --out. */
  mixed(): Plan {
    const strategy = this.pick<Strategy>(['sequential', 'async', 'threads', 'processes']);
    const retries = this.pick([0, 1, 2]);
    const count = 40 + Math.floor(this.random() * 120);
    const concurrent = this.random() < CONCURRENT_SHARE;
    const concurrency = strategy === 'sequential' ? 1 : this.pick([2, 3, 8]);
    const inFlight = this.inFlight(strategy);
    const sharedLoop = strategy === 'async' || inFlight > 1;
    const faults = this.faults(strategy, !concurrent, sharedLoop, concurrent);
    const kinds: Kind[] = Array.from({ length: count }, () => {
      const roll = this.random();
      if (roll < 0.55) return 'ok';
      if (roll < 0.75) return 'slow';
      return this.pick(faults);
    });
    const gate = concurrent ? Math.floor(this.random() * count) : undefined;
    if (gate !== undefined) kinds[gate] = 'gate';
    const ordered = this.random() < ORDERED_SHARE;
    const timeoutMs = concurrent ? undefined : TIMEOUT_MS;
    return { strategy, kinds, retries, timeoutMs, concurrency, inFlight, ordered, gate, stuck: undefined };
  }

  /** Hundreds of quick inputs and one stuck one (a hang or a spin): every other input must succeed. */
  crowd(): Plan {
    const strategy = this.pick<Strategy>(['sequential', 'async', 'threads', 'processes']);
    const count = CROWD_MIN + Math.floor(this.random() * (CROWD_MAX - CROWD_MIN));
    const kinds: Kind[] = new Array(count).fill('ok');
    const stuck = Math.floor(this.random() * count);
    kinds[stuck] = this.pick<Kind>(['hang', 'spin']);
    return {
      strategy,
      kinds,
      retries: this.pick([0, 1]),
      timeoutMs: CROWD_TIMEOUT_MS,
      concurrency: strategy === 'sequential' ? 1 : this.pick([2, 3, 8]),
      // Half the threads and processes crowds share a worker between tasks: a spin then holds its lanes.
      inFlight: this.inFlight(strategy, CROWD_IN_FLIGHT_SHARE),
      ordered: false,
      gate: undefined,
      stuck,
    };
  }

  /** Tasks in flight per worker: 1, or (threads and processes, now and then) 2 to MAX_IN_FLIGHT. */
  inFlight(strategy: Strategy, share = IN_FLIGHT_SHARE): number {
    if (strategy !== 'threads' && strategy !== 'processes') return 1;
    if (this.random() >= share) return 1;
    return 2 + Math.floor(this.random() * (MAX_IN_FLIGHT - 1));
  }

  async round(): Promise<void> {
    const plan = this.random() < CROWD_SHARE ? this.crowd() : this.mixed();
    const { strategy, kinds, retries, gate, ordered, inFlight, stuck } = plan;
    const count = kinds.length;
    const concurrent = gate !== undefined;
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
      args.push('--retries', String(retries));
      if (plan.timeoutMs !== undefined) args.push('--timeout', String(plan.timeoutMs));
      if (strategy !== 'sequential') args.push('--concurrency', String(plan.concurrency));
      if (inFlight > 1) args.push('--in-flight', String(inFlight));
      if (ordered) args.push('--ordered');
      const shape =
        strategy === 'sequential' ? strategy : `${strategy} ${formatLevel(plan.concurrency, inFlight)}`;
      const what = stuck !== undefined ? `a crowd: input ${stuck} ${kinds[stuck]}, ` : '';
      const label = `round ${this.rounds + 1} (${shape}, ${what}${count} inputs, --retries ${retries}${ordered ? ', --ordered' : ''}${concurrent ? ', a second run' : ''})`;
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
          attempt === 0 && gate !== undefined ? { dir, gate, args } : undefined,
        );
        if (result === undefined) return;
        if (result.completed) {
          code = result.code;
          break;
        }
      }
      const results = completeLines(out);
      this.shape = `${strategy}${inFlight > 1 ? ', --in-flight K' : strategy === 'async' && plan.concurrency > 1 ? ' N' : ''}`;
      this.check(label, results, kinds, retries, code);
      // An --ordered run that was never interrupted wrote every line in index order.
      if (ordered && runs === 1 && results.some((line, i) => line.index !== i)) {
        this.violations.push(`${label}: lines out of order`);
      }
      if (stuck !== undefined) this.checkCrowd(label, plan, results, runs);
      for (const kind of kinds) this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
      this.rounds++;
      if (stuck !== undefined) this.crowds++;
      if (inFlight > 1 || (strategy === 'async' && plan.concurrency > 1)) this.sharedLoops++;
      this.inputs += count;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * A crowd's other inputs all succeeded (but those a spin held on its shared loop, which may time out
   * with it); and when something else could run beside the stuck input
   * (another worker, or async's loop beside a hang, but not a process's loop beside a spin), none waited
   * for it: its line is the last one of an uninterrupted run.
   */
  checkCrowd(label: string, plan: Plan, lines: Line[], runs: number): void {
    const stuck = plan.stuck!;
    const others = lines.filter((line) => line.index !== stuck);
    const done = others.filter((line) => line.ok && line.value === 2 * line.index).length;
    // A spin on a shared loop (async, or --in-flight K) holds the tasks already started on it: those
    // may time out with it (collateral, counted as such), as they would anywhere else.
    const sharedLoop = plan.strategy === 'async' || plan.inFlight > 1;
    const heldBySpin =
      plan.kinds[stuck] === 'spin' && sharedLoop
        ? others.filter(
            (line) => !line.ok && (line as { error?: { name?: string } }).error?.name === 'TimeoutError',
          ).length
        : 0;
    this.crowdOthers += plan.kinds.length - 1;
    this.crowdDone += done;
    if (done + heldBySpin !== plan.kinds.length - 1) {
      this.violations.push(`${label}: ${done} of the ${plan.kinds.length - 1} other inputs succeeded`);
    }
    // A spin holds its loop: under async nothing runs beside it; under processes --in-flight K the
    // tasks sent into that process's loop wait for its replacement (a process shows no lanes, so the
    // pool cannot take them back without running them twice): they are written after it.
    const spinHolds =
      plan.kinds[stuck] === 'spin' &&
      (plan.strategy === 'async' || (plan.strategy === 'processes' && plan.inFlight > 1));
    const besides = plan.concurrency * plan.inFlight > 1 && !spinHolds;
    if (besides && runs === 1 && lines.length > 0 && lines[lines.length - 1]!.index !== stuck) {
      const after = lines.length - 1 - lines.findIndex((line) => line.index === stuck);
      this.violations.push(`${label}: ${after} other inputs were written after the stuck input's time-out`);
    }
  }

  /** Starts `fanout run <args>`: its child, its stderr so far, and its end. */
  spawnRun(args: string[], tag: string) {
    this.runs++;
    let stderr = '';
    const child: ChildProcess = spawn(process.execPath, [CLI, 'run', ...args], {
      env: { ...process.env, FANOUT_SOAK_TAG: tag, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const state = { exited: false };
    const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('close', (code, signal) => {
        state.exited = true;
        resolve({ code, signal });
      }),
    );
    return { child, stderr: () => stderr, state, closed };
  }

  /**
   * With the first run held at its gate (alive, holding the lock), a second run on the same --out,
   * fresh or --resume, must be refused naming it; then the gate opens. False when it was not refused.
   */
  async secondRun(
    first: ChildProcess,
    firstState: { exited: boolean },
    second: { dir: string; gate: number; args: string[] },
    tag: string,
    label: string,
  ): Promise<boolean> {
    const started = join(second.dir, `started-${second.gate}`);
    await until(() => firstState.exited || existsSync(started), RUN_DEADLINE_MS);
    try {
      if (firstState.exited) {
        this.violations.push(`${label}: the first run ended before its gate held it`);
        return false;
      }
      this.concurrent++;
      const args = this.random() < 0.5 ? second.args : [...second.args, '--resume'];
      const run = this.spawnRun(args, tag);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), RUN_DEADLINE_MS);
      const { code } = await run.closed;
      clearTimeout(timer);
      const named = run.stderr().includes(`in use by another fanout run: pid ${first.pid},`);
      if (code !== EXIT_LOCKED || !named) {
        this.violations.push(
          `${label}: a second run on a held --out ended with code ${code}: ${run.stderr().trim()}`,
        );
        return false;
      }
      this.refused++;
      return true;
    } finally {
      writeFileSync(join(second.dir, 'release'), '');
    }
  }

  /** One fanout run; undefined when it broke an invariant (recorded). */
  async run(
    args: string[],
    out: string,
    count: number,
    interruption: Interruption,
    label: string,
    second?: { dir: string; gate: number; args: string[] },
  ): Promise<{ completed: boolean; code: number | null } | undefined> {
    const tag = randomUUID();
    const { child, stderr, state, closed } = this.spawnRun(args, tag);
    if (second !== undefined && !(await this.secondRun(child, state, second, tag, label))) {
      child.kill('SIGKILL');
      await closed;
      return undefined;
    }
    const sent =
      interruption === 'SIGTERM' ? 'SIGTERM' : interruption.startsWith('SIGINT') ? 'SIGINT' : undefined;
    if (interruption !== 'none') {
      // After this run has written a line or more: by then fanout handles its signals. (Before Node has
      // loaded fanout, a signal kills it the default way, with nothing started: not a case worth a soak.)
      const before = completeLines(out).length;
      const after = before + 1 + Math.floor(this.random() * (count / 2));
      await until(() => state.exited || completeLines(out).length >= after, RUN_DEADLINE_MS);
      if (!state.exited) {
        this.interruptions.set(interruption, (this.interruptions.get(interruption) ?? 0) + 1);
        if (interruption === 'SIGKILL') child.kill('SIGKILL');
        else if (interruption === 'SIGTERM') child.kill('SIGTERM');
        else {
          child.kill('SIGINT');
          if (interruption === 'SIGINT twice') {
            await until(() => state.exited || /stopping/.test(stderr()), RUN_DEADLINE_MS);
            if (!state.exited) child.kill('SIGINT');
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
    this.lastStderr = stderr();
    if (code === 0 || code === 1) return { completed: true, code };
    // A signal sent as the run was ending (its last lines were what the soak waited for) may come after
    // fanout stopped watching signals: the default action ends it. Fine once every input has its line;
    // before that, a death by the soak's own signal means fanout did not handle it.
    const raced = signal === sent && seen.size === count;
    const expected = signal === 'SIGKILL' || code === 130 || code === 143 || raced;
    if (raced) this.raced++;
    if (!expected) {
      this.violations.push(`${label}: fanout ended with code ${code}, signal ${signal}: ${stderr().trim()}`);
      return undefined;
    }
    return { completed: false, code };
  }

  addCollateral(text: string, error: string): void {
    this.collateral.push(text);
    const key = `${this.shape}: ${error}`;
    this.collateralBy.set(key, (this.collateralBy.get(key) ?? 0) + 1);
  }

  check(label: string, lines: Line[], kinds: Kind[], retries: number, code: number | null): void {
    const fail = (message: string) => this.violations.push(`${label}: ${message}`);
    const byIndex = new Map<number, Line>();
    for (const line of lines) byIndex.set(line.index, line);
    this.linesWritten += lines.length;
    this.duplicated += lines.length - byIndex.size;
    this.lost += kinds.filter((_, n) => !byIndex.has(n)).length;
    if (lines.length !== kinds.length || byIndex.size !== kinds.length) {
      const said = this.lastStderr.trim().split('\n').slice(-3).join(' / ');
      fail(
        `${lines.length} lines, ${byIndex.size} distinct indices, for ${kinds.length} inputs; fanout said: ${said}`,
      );
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
      if (expected(line, kind, n, retries)) continue;
      // Several tasks in flight on a worker that crashed: each of them may fail with its death, once
      // its retries are spent (a crash of its own fails the same way, so those are expected above).
      if (kind !== 'malformed' && !line.ok && line.error?.name === 'WorkerDiedError') {
        if (SHARED_DEATH.test(line.error.message)) this.shared++;
        else this.addCollateral(`${label}: input ${n} (${kind}): ${shown}`, 'WorkerDiedError');
        continue;
      }
      // A time-out it did not cause: it waited on a worker a neighbour held (an engine bug, or a loop
      // shared with a spinning task: counted, and a violation with --strict).
      if (kind !== 'malformed' && !line.ok && line.error?.name === 'TimeoutError') {
        this.addCollateral(`${label}: input ${n} (${kind}): ${shown}`, 'TimeoutError');
        continue;
      }
      // Its own outcome, but late: an earlier attempt failed for a neighbour (above) and was retried, so
      // an error that is not retried counts that attempt too, and a flaky input's first run came second.
      if (retriedAfterNeighbour(line, kind, n, retries)) {
        this.addCollateral(`${label}: input ${n} (${kind}), retried: ${shown}`, 'then retried');
        continue;
      }
      fail(`input ${n} (${kind}) should be ${describe(kind, n, retries)}: ${shown}`);
    }
    if (code !== (anyFailed ? 1 : 0))
      fail(`exit code ${code} for a file ${anyFailed ? 'with' : 'without'} failures`);
  }
}

/** The faults injected, by kind, then what came of them: the soak's final report, two small tables. */
function report(soak: Soak): string {
  const faults: [string, number][] = [];
  for (const [kind, times] of [...soak.injected].sort(([a], [b]) => a.localeCompare(b))) {
    if (kind !== 'ok' && kind !== 'slow' && kind !== 'gate') faults.push([`input: ${kind}`, times]);
  }
  faults.push(['crowd: one stuck input among 200–600', soak.crowds]);
  faults.push(['several tasks in flight per worker (round)', soak.sharedLoops]);
  for (const [kind, times] of soak.interruptions) faults.push([`fanout: ${kind}`, times]);
  faults.push(['second run on a held --out', soak.concurrent]);
  const figures: [string, string][] = [
    ['inputs', formatCount(soak.inputs)],
    ['lines written', formatCount(soak.linesWritten)],
    ['lost', formatCount(soak.lost)],
    ['duplicated', formatCount(soak.duplicated)],
    ['collateral (failed for a neighbour)', formatCount(soak.collateral.length)],
    ...[...soak.collateralBy].map(([key, times]): [string, string] => [`  under ${key}`, formatCount(times)]),
    ['failed with a crash they shared a worker with', formatCount(soak.shared)],
    [
      'crowd inputs beside the stuck one: succeeded',
      `${formatCount(soak.crowdDone)} of ${formatCount(soak.crowdOthers)}`,
    ],
    [
      'second runs refused (exit 3, naming the first)',
      `${formatCount(soak.refused)} of ${formatCount(soak.concurrent)}`,
    ],
    ['signals that met a finished run on its way out', formatCount(soak.raced)],
    ['violations', formatCount(soak.violations.length)],
  ];
  return [
    markdownTable(
      ['fault injected', 'times'],
      faults.map(([what, times]) => [what, formatCount(times)]),
    ),
    '',
    markdownTable(['outcome', 'count'], figures),
  ].join('\n');
}

/** The outcome a kind of input must have: a value, or a named error after so many attempts. */
function outcome(
  kind: Kind,
  n: number,
  retries: number,
): { value: unknown } | { error: string; attempts: number } {
  switch (kind) {
    case 'ok':
    case 'slow':
    case 'gate':
    case 'flaky':
      return { value: 2 * n };
    case 'bigint':
      return { value: { $bigint: (BigInt(n) ** 20n).toString() } };
    case 'undefined':
      return { value: undefined };
    case 'throw':
      return { error: 'TypeError', attempts: retries + 1 };
    case 'always-fails':
      return { error: 'Error', attempts: retries + 1 };
    case 'malformed':
      return { error: 'InputError', attempts: 0 };
    case 'uncloneable':
      return { error: 'CloneError', attempts: 1 };
    case 'cycle':
      return { error: 'OutputEncodingError', attempts: 1 };
    case 'hang':
    case 'spin':
      return { error: 'TimeoutError', attempts: retries + 1 };
    case 'exit':
    case 'kill':
      return { error: 'WorkerDiedError', attempts: retries + 1 };
  }
}

function describe(kind: Kind, n: number, retries: number): string {
  const want = outcome(kind, n, retries);
  return 'value' in want
    ? `ok with ${JSON.stringify(want.value) ?? 'no value'}`
    : `a ${want.error} after ${want.attempts} attempts`;
}

/** Whether a line is what its input's kind must give (a flaky input may fail once when not retried). */
function expected(line: Line, kind: Kind, n: number, retries: number): boolean {
  if (kind === 'flaky' && retries === 0 && line.error?.message === `first attempt at ${n} fails`) return true;
  const want = outcome(kind, n, retries);
  if ('error' in want)
    return !line.ok && line.error?.name === want.error && line.error.attempts === want.attempts;
  if (!line.ok) return false;
  if (want.value === undefined) return !('value' in line);
  return JSON.stringify(line.value) === JSON.stringify(want.value);
}

/** A line with its input's own error (one not retried) after more than one attempt, within its retries. */
function retriedAfterNeighbour(line: Line, kind: Kind, n: number, retries: number): boolean {
  const attempts = line.error?.attempts ?? 0;
  if (line.ok || attempts < 2 || attempts > retries + 1) return false;
  if (kind === 'flaky') return line.error?.message === `first attempt at ${n} fails`;
  // Only errors that are not retried: any other count of attempts is a retry bug.
  if (kind === 'uncloneable') return line.error?.name === 'CloneError';
  if (kind === 'cycle') return line.error?.name === 'OutputEncodingError';
  return false;
}

const USAGE = `node dist/bench/soak.js [--seconds 60] [--seed N] [--strict]

Rounds of random inputs mixing every fault (spins and exits under every strategy), under a random
strategy, retry count, --in-flight and --ordered; each interrupted at random (SIGINT, SIGINT twice,
SIGTERM, SIGKILL) and resumed until complete; a quarter of them also start a second run on the same --out
while the first is held (it must be refused); some are crowds, one stuck input among hundreds (every other
must succeed). Then the invariants: one line per input, each line right, the exit code matching the
file, no worker left. The report: faults injected by kind, lines written, lost, duplicated, collateral.

  --seconds N   start rounds for this long (default 60)
  --seed N      replay a mix (the summary prints the seed)
  --strict      also fail on inputs that failed because of a neighbour (an engine bug)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      seed: { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const seconds = Number(values.seconds);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const soak = new Soak(seed, values.strict);
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  do {
    await soak.round();
  } while (Date.now() < deadline);
  console.log(
    `soak (seed ${seed}): ${soak.rounds} rounds, ${soak.runs} fanout runs in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  console.log(`${report(soak)}\n`);
  for (const line of soak.collateral) console.log(`collateral: ${line}`);
  for (const line of soak.violations) console.log(`VIOLATION: ${line}`);
  const broken = soak.violations.length > 0 || (soak.strict && soak.collateral.length > 0);
  console.log(broken ? 'invariants broken' : 'every invariant held');
  return broken ? 1 : 0;
}

process.exitCode = await main();
