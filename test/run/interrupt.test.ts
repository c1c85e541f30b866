/** Signals, hard kills and --resume: however a run ends, the output ends with one line per input. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assertNoWorkersLeft,
  assertOneLinePerInput,
  FAULTS,
  killTagged,
  lineCount,
  readLines,
  runFanout,
  startFanout,
  tempDir,
  waitFor,
  watchdogShells,
  writeInputs,
} from './helpers.js';

const SLOW_COUNT = 120;
/** The stuck worker would be gone at once if the abort reached it: no need to wait long for it. */
const STUCK_DEADLINE_MS = 3000;
/**
 * How soon a worker process stuck in synchronous code must be gone once fanout was killed outright:
 * its watchdog (a shell on the pool's pipe, or the fallback thread polling every 250 ms) acts at
 * once; the rest is a loaded machine's slack.
 */
const ORPHAN_DEADLINE_MS = 5000;
const slowInputs = Array.from({ length: SLOW_COUNT }, (_, n) => ({ n, do: 'slow', ms: 15 }));

function assertAllOk(path: string, count: number): void {
  for (const [index, line] of assertOneLinePerInput(readLines(path), count)) {
    assert.deepEqual(line, { index, ok: true, value: index * 2 }, `input ${index}`);
  }
}

function distinctIndices(path: string): void {
  const seen = new Set<number>();
  for (const line of readLines(path)) {
    assert.ok(!seen.has(line.index), `index ${line.index} written twice`);
    seen.add(line.index);
  }
}

for (const [strategy, signal] of [
  ['async', 'SIGINT'],
  ['threads', 'SIGINT'],
  ['processes', 'SIGINT'],
  ['threads', 'SIGTERM'],
] as const) {
  test(`${strategy}: ${signal} mid-run lets in-flight inputs finish; --resume completes the job`, async (t) => {
    const dir = tempDir(t);
    const inputs = join(dir, 'in.ndjson');
    const out = join(dir, 'out.ndjson');
    writeInputs(inputs, slowInputs);
    const args = [FAULTS, '--inputs', inputs, '--out', out, '--strategy', strategy, '--concurrency', '2'];
    const fanout = startFanout(t, args);
    await waitFor('some lines', () => lineCount(out) >= 10);
    fanout.child.kill(signal);
    const { code } = await fanout.exited;
    await assertNoWorkersLeft(fanout.tag);
    assert.equal(code, signal === 'SIGINT' ? 130 : 143, fanout.stderr());
    assert.match(fanout.stderr(), new RegExp(`${signal}: stopping; letting \\d+ in-flight inputs? finish`));
    assert.match(fanout.stderr(), /continue with --resume/);
    const partial = readLines(out);
    assert.ok(partial.length < SLOW_COUNT, 'the run stopped early');
    distinctIndices(out);
    for (const line of partial)
      assert.equal(line.ok, true, `no input fails for being stopped: ${JSON.stringify(line)}`);

    const resumed = await runFanout(t, [...args, '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resumed: ${partial.length} inputs already recorded`));
    assertAllOk(out, SLOW_COUNT);
  });
}

for (const strategy of ['async', 'threads', 'processes']) {
  test(`${strategy}: a second SIGINT aborts in-flight inputs, recorded as aborted; --resume runs them again`, async (t) => {
    const dir = tempDir(t);
    const inputs = join(dir, 'in.ndjson');
    const out = join(dir, 'out.ndjson');
    // Inputs 5 and 6 run until `release` exists: the run is stuck on them when the signals come.
    // (6 may wait behind 5 in the same worker, so only 5 is sure to have started.)
    const all = Array.from({ length: 20 }, (_, n) => ({ n, do: n === 5 || n === 6 ? 'gate' : 'ok', dir }));
    writeInputs(inputs, all);
    const args = [FAULTS, '--inputs', inputs, '--out', out, '--strategy', strategy, '--concurrency', '2'];
    const fanout = startFanout(t, args);
    await waitFor('a gate to start', () => existsSync(join(dir, 'started-5')));
    fanout.child.kill('SIGINT');
    await waitFor('the stop to be reported', () => /stopping/.test(fanout.stderr()));
    fanout.child.kill('SIGINT');
    const { code } = await fanout.exited;
    await assertNoWorkersLeft(fanout.tag);
    assert.equal(code, 130, fanout.stderr());
    assert.match(fanout.stderr(), /aborted by a second SIGINT/);
    const lines = readLines(out);
    distinctIndices(out);
    const aborted = lines.filter((line) => line.error?.code === 'ERR_FANOUT_ABORTED');
    const abortedIndices = aborted.map((line) => line.index);
    assert.ok(abortedIndices.includes(5), `5 was aborted: ${abortedIndices}`);
    assert.ok(!lines.some((line) => line.index === 6 && line.ok), '6 cannot have finished');
    for (const line of aborted) {
      assert.equal(line.error!.name, 'AbortError');
      assert.match(line.error!.message, new RegExp(`input ${line.index} was aborted by a second SIGINT`));
    }

    writeFileSync(join(dir, 'release'), '');
    const resumed = await runFanout(t, [...args, '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`removed ${aborted.length} aborted lines? to run again`));
    assertAllOk(out, all.length);
  });
}

for (const strategy of ['threads', 'processes']) {
  test(`${strategy}: fanout killed with SIGKILL mid-run, then --resume: exactly one line per input`, async (t) => {
    const dir = tempDir(t);
    const inputs = join(dir, 'in.ndjson');
    const out = join(dir, 'out.ndjson');
    writeInputs(inputs, slowInputs);
    const args = [FAULTS, '--inputs', inputs, '--out', out, '--strategy', strategy, '--concurrency', '2'];
    const fanout = startFanout(t, args);
    await waitFor('some lines', () => lineCount(out) >= 10);
    fanout.child.kill('SIGKILL');
    await fanout.exited;
    await assertNoWorkersLeft(fanout.tag);
    distinctIndices(out);

    const resumed = await runFanout(t, [...args, '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertAllOk(out, SLOW_COUNT);
  });
}

test('--resume repairs a torn last line and runs that input again', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  writeInputs(
    inputs,
    Array.from({ length: 10 }, (_, n) => n),
  );
  const whole = [0, 1, 2, 3, 4].map((n) => `{"index":${n},"ok":true,"value":${2 * n}}\n`).join('');
  writeFileSync(out, `${whole}{"index":5,"ok":tr`);
  const { code, stderr } = await runFanout(t, [FAULTS, '--inputs', inputs, '--out', out, '--resume']);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /repaired a torn last line \(18 B cut\)/);
  assert.ok(readFileSync(out, 'utf8').startsWith(whole), 'the whole lines are kept as they were');
  assertAllOk(out, 10);
});

test('--resume refuses a file with a line that is not a result line', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  writeInputs(inputs, [1, 2, 3]);
  writeFileSync(out, '{"index":0,"ok":true,"value":2}\nhello\n{"index":1,"ok":true,"value":4}\n');
  const { code, stderr } = await runFanout(t, [FAULTS, '--inputs', inputs, '--out', out, '--resume']);
  assert.equal(code, 2);
  assert.match(stderr, /out\.ndjson line 2 is not a result line/);
});

test('processes: Ctrl-C (SIGINT to the whole process group) lets in-flight inputs finish', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  writeInputs(inputs, slowInputs);
  const args = [FAULTS, '--inputs', inputs, '--out', out, '--strategy', 'processes', '--concurrency', '2'];
  const fanout = startFanout(t, args, { detached: true });
  await waitFor('some lines', () => lineCount(out) >= 10);
  process.kill(-fanout.child.pid!, 'SIGINT');
  await fanout.exited;
  await assertNoWorkersLeft(fanout.tag);
  for (const line of readLines(out)) assert.equal(line.ok, true, JSON.stringify(line));
});

test('processes: a second SIGINT ends a worker stuck in synchronous code', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  writeInputs(
    inputs,
    Array.from({ length: 6 }, (_, n) => ({ n, do: n === 2 ? 'spin' : 'ok', dir })),
  );
  const args = [FAULTS, '--inputs', inputs, '--out', out, '--strategy', 'processes', '--concurrency', '2'];
  const fanout = startFanout(t, args);
  await waitFor('the spin to start', () => existsSync(join(dir, 'started-2')));
  fanout.child.kill('SIGINT');
  await waitFor('the stop to be reported', () => /stopping/.test(fanout.stderr()));
  fanout.child.kill('SIGINT');
  await fanout.exited;
  await assertNoWorkersLeft(fanout.tag, STUCK_DEADLINE_MS);
});

test('processes: fanout killed with SIGKILL while a worker spins in synchronous code leaves no worker and no watchdog', {
  skip: !existsSync('/proc/self/environ') && 'needs /proc to find what was left',
}, async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  // Input 0 spins forever (`for (;;) {}`); the others wait at the gate, so both workers are busy.
  writeInputs(
    inputs,
    Array.from({ length: 4 }, (_, n) => ({ n, do: n === 0 ? 'spin' : 'gate', dir })),
  );
  const args = [FAULTS, '--inputs', inputs, '--out', out, '--strategy', 'processes', '--concurrency', '2'];
  const fanout = startFanout(t, args);
  t.after(() => killTagged(fanout.tag));
  await waitFor('the spin to start', () => existsSync(join(dir, 'started-0')));
  await waitFor('a watchdog per worker', () => watchdogShells(fanout.tag).size === 2);
  fanout.child.kill('SIGKILL');
  await fanout.exited;
  // Neither the spinning worker (whose event loop never hears its channel close), nor the waiting
  // one, nor either watchdog shell is left.
  await assertNoWorkersLeft(fanout.tag, ORPHAN_DEADLINE_MS);
});

test('processes: the watchdog of a worker that died stands down while fanout runs on', {
  skip: !existsSync('/proc/self/environ') && 'needs /proc to find the watchdogs',
}, async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  // One worker: input 0 kills it with SIGKILL (no exit handler runs), input 1 holds its replacement.
  writeInputs(inputs, [
    { n: 0, do: 'kill' },
    { n: 1, do: 'gate', dir },
  ]);
  const args = [FAULTS, '--inputs', inputs, '--out', out, '--strategy', 'processes', '--concurrency', '1'];
  const fanout = startFanout(t, args);
  t.after(() => killTagged(fanout.tag));
  await waitFor('the replacement to start', () => existsSync(join(dir, 'started-1')));
  // Only the live worker's watchdog is left, and it watches a live process.
  await waitFor('one watchdog', () => watchdogShells(fanout.tag).size === 1);
  const [watched] = [...watchdogShells(fanout.tag).values()];
  assert.ok(existsSync(`/proc/${watched}`), `the watchdog watches ${watched}, which is gone`);
  writeFileSync(join(dir, 'release'), '');
  const { code } = await fanout.exited;
  assert.equal(code, 1, fanout.stderr());
  await assertNoWorkersLeft(fanout.tag);
  const lines = readLines(out);
  assert.equal(lines.length, 2);
});
