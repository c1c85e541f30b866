/** One run per output: a second one is refused; the lock goes however the run ends; a stale one is taken over. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  assertNoWorkersLeft,
  assertOneLinePerInput,
  FAULTS,
  type Fanout,
  lineCount,
  readLines,
  runFanout,
  startFanout,
  tempDir,
  waitFor,
  writeInputs,
} from './helpers.js';

const EXIT_LOCKED = 3;
const COUNT = 20;
/** Rounds of the takeover race between racer processes. */
const RACE_ROUNDS = 60;
const RACERS = 4;

/** Inputs that hold the run at input 5 until `release` exists in `dir`. */
function gated(dir: string): unknown[] {
  return Array.from({ length: COUNT }, (_, n) => ({ n, do: n === 5 ? 'gate' : 'ok', dir }));
}

function args(dir: string, ...more: string[]): string[] {
  return [FAULTS, '--inputs', join(dir, 'in.ndjson'), '--out', join(dir, 'out.ndjson'), ...more];
}

/** A pid that ran on this host and has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

function plantStaleLock(lockPath: string): number {
  const pid = deadPid();
  const record = {
    pid,
    host: hostname(),
    since: new Date(0).toISOString(),
    nonce: randomBytes(16).toString('hex'),
  };
  writeFileSync(lockPath, `${JSON.stringify(record)}\n`);
  return pid;
}

async function startGated(
  t: { after(fn: () => void): void },
  dir: string,
  ...more: string[]
): Promise<Fanout> {
  const fanout = startFanout(t, args(dir, '--strategy', 'async', ...more));
  await waitFor('the gate to start', () => existsSync(join(dir, 'started-5')));
  return fanout;
}

test('a second run on the same --out is refused while the first runs, fresh or --resume, naming the holder', async (t) => {
  const dir = tempDir(t);
  writeInputs(join(dir, 'in.ndjson'), gated(dir));
  const first = await startGated(t, dir);
  // Through a symlink too: the lock is the real file's.
  symlinkSync(join(dir, 'out.ndjson'), join(dir, 'link.ndjson'));
  for (const [out, extra] of [
    ['out.ndjson', []],
    ['out.ndjson', ['--resume']],
    ['link.ndjson', ['--resume']],
  ] as const) {
    const second = await runFanout(t, [
      FAULTS,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      join(dir, out),
      '--strategy',
      'async',
      ...extra,
    ]);
    assert.equal(second.code, EXIT_LOCKED, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(
        `${out} is in use by another fanout run: pid ${first.child.pid}, since \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
  }
  writeFileSync(join(dir, 'release'), '');
  const { code } = await first.exited;
  assert.equal(code, 0, first.stderr());
  assertOneLinePerInput(readLines(join(dir, 'out.ndjson')), COUNT);
  assert.ok(!existsSync(join(dir, 'out.ndjson.lock')), 'the lock is gone');
});

test('the lock is released however the run ends: SIGINT, SIGTERM, a second signal, a failed set-up', async (t) => {
  for (const signals of [['SIGINT'], ['SIGTERM'], ['SIGINT', 'SIGINT']] as const) {
    const dir = tempDir(t);
    writeInputs(join(dir, 'in.ndjson'), gated(dir));
    const fanout = await startGated(t, dir);
    assert.ok(existsSync(join(dir, 'out.ndjson.lock')), 'the running run holds the lock');
    fanout.child.kill(signals[0]);
    await waitFor('the stop', () => /stopping/.test(fanout.stderr()));
    // The gated input holds the stopping run until a second signal aborts it, or until it is released.
    if (signals.length === 2) fanout.child.kill(signals[1]);
    else writeFileSync(join(dir, 'release'), '');
    const { code } = await fanout.exited;
    assert.equal(code, signals[0] === 'SIGINT' ? 130 : 143, `${signals.join(', ')}: ${fanout.stderr()}`);
    assert.ok(!existsSync(join(dir, 'out.ndjson.lock')), `${signals.join(', ')}: the lock is gone`);
    await assertNoWorkersLeft(fanout.tag);
  }
  const dir = tempDir(t);
  writeInputs(join(dir, 'in.ndjson'), [1, 2]);
  writeFileSync(join(dir, 'broken.mjs'), 'export default (x) => x +;\n');
  const broken = await runFanout(t, [
    join(dir, 'broken.mjs'),
    '--inputs',
    join(dir, 'in.ndjson'),
    '--out',
    join(dir, 'out.ndjson'),
  ]);
  assert.equal(broken.code, 2, broken.stderr);
  // A set-up that fails after the lock is taken: --resume of a file that is not fanout's.
  writeFileSync(join(dir, 'out.ndjson'), 'hello\n');
  const refused = await runFanout(t, [
    FAULTS,
    '--inputs',
    join(dir, 'in.ndjson'),
    '--out',
    join(dir, 'out.ndjson'),
    '--resume',
  ]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.ok(!existsSync(join(dir, 'out.ndjson.lock')), 'a failed run leaves no lock');
});

test('a process that exits holding a lock (process.exit, as a third signal does; an uncaught error) releases it', async (t) => {
  const dir = tempDir(t);
  const lockModule = pathToFileURL(join(import.meta.dirname, '../../src/run/lock.js')).href;
  for (const [how, ending, code] of [
    ['process.exit', 'process.exit(130);', 130],
    ['an uncaught error', "setTimeout(() => { throw new Error('boom'); });", 1],
  ] as const) {
    const out = join(dir, `${how.replace(/\W/g, '-')}.ndjson`);
    const script = `
      const { acquireOutputLock } = await import(${JSON.stringify(lockModule)});
      acquireOutputLock(${JSON.stringify(out)}, 'out');
      ${ending}
      setInterval(() => {}, 1000); // still running, but for the ending`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, code, `${how}: ${child.stderr}`);
    assert.ok(!existsSync(`${out}.lock`), `${how}: the lock is gone`);
  }
});

test('a lock left by a run killed with SIGKILL is taken over by the next run', async (t) => {
  const dir = tempDir(t);
  const inputs = Array.from({ length: 120 }, (_, n) => ({ n, do: 'slow', ms: 15 }));
  writeInputs(join(dir, 'in.ndjson'), inputs);
  const out = join(dir, 'out.ndjson');
  const killed = startFanout(t, args(dir, '--strategy', 'async', '--concurrency', '2'));
  await waitFor('some lines', () => lineCount(out) >= 10);
  killed.child.kill('SIGKILL');
  await killed.exited;
  const left = JSON.parse(readFileSync(`${out}.lock`, 'utf8')) as { pid: number };
  assert.equal(left.pid, killed.child.pid, 'SIGKILL leaves the lock behind');

  const resumed = await runFanout(t, args(dir, '--strategy', 'async', '--resume'));
  assert.equal(resumed.code, 0, resumed.stderr);
  assertOneLinePerInput(readLines(out), inputs.length);
  assert.ok(!existsSync(`${out}.lock`));
});

test('two --resume runs racing to take over a stale lock: one wins, the other is refused, nothing is duplicated', async (t) => {
  const dir = tempDir(t);
  writeInputs(join(dir, 'in.ndjson'), gated(dir));
  plantStaleLock(join(dir, 'out.ndjson.lock'));
  const runs = [0, 1].map(() => startFanout(t, args(dir, '--strategy', 'async', '--resume')));
  const codes: (number | null)[] = [null, null];
  for (const [i, run] of runs.entries()) void run.exited.then(({ code }) => (codes[i] = code));
  // The loser exits at once; the winner holds on at the gate.
  await waitFor('one run to be refused', () => codes.includes(EXIT_LOCKED));
  const loser = codes.indexOf(EXIT_LOCKED);
  const winner = runs[1 - loser]!;
  assert.match(runs[loser]!.stderr(), new RegExp(`in use by another fanout run: pid ${winner.child.pid},`));
  writeFileSync(join(dir, 'release'), '');
  const { code } = await winner.exited;
  assert.equal(code, 0, winner.stderr());
  assertOneLinePerInput(readLines(join(dir, 'out.ndjson')), COUNT);
});

test(`lock: ${RACERS} processes racing to take over one stale lock, ${RACE_ROUNDS} times: exactly one wins each time`, async (t) => {
  const dir = tempDir(t);
  const lockModule = pathToFileURL(join(import.meta.dirname, '../../src/run/lock.js')).href;
  // Each racer takes the lock when told, and holds it until told to let go.
  const script = `
    import { createInterface } from 'node:readline';
    const { acquireOutputLock } = await import(${JSON.stringify(lockModule)});
    let lock;
    for await (const line of createInterface({ input: process.stdin })) {
      const [command, path] = line.split(' ');
      if (command === 'race') {
        try { lock = acquireOutputLock(path, 'out'); console.log('won'); }
        catch (error) { console.log('lost ' + error.message); }
      } else { lock?.release(); lock = undefined; console.log('released'); }
    }`;
  const racers = Array.from({ length: RACERS }, () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    t.after(() => child.kill('SIGKILL'));
    const replies = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    return { child, reply: async () => (await replies.next()).value as string };
  });
  const out = join(dir, 'out.ndjson');
  for (let round = 0; round < RACE_ROUNDS; round++) {
    plantStaleLock(`${out}.lock`);
    for (const racer of racers) racer.child.stdin!.write(`race ${out}\n`);
    const replies = await Promise.all(racers.map((racer) => racer.reply()));
    const winners = replies.flatMap((reply, i) => (reply === 'won' ? [i] : []));
    assert.equal(winners.length, 1, `round ${round}: ${replies.join(' | ')}`);
    for (const reply of replies) {
      if (reply !== 'won')
        assert.match(reply, new RegExp(`pid ${racers[winners[0]!]!.child.pid},`), `round ${round}`);
    }
    const winner = racers[winners[0]!]!;
    winner.child.stdin!.write('release\n');
    assert.equal(await winner.reply(), 'released');
    assert.deepEqual(readdirSync(dir), [], `round ${round}: nothing left beside the output`);
  }
  for (const racer of racers) racer.child.stdin!.end();
  rmSync(dir, { recursive: true, force: true });
});
