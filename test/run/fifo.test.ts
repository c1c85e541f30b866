/** A FIFO as --out: signals act while it waits for a reader, a reader gets every line, a missing one is an error. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assertNoWorkersLeft,
  assertOneLinePerInput,
  DOUBLE,
  parseLines,
  runFanout,
  startFanout,
  tempDir,
  waitFor,
  writeInputs,
} from './helpers.js';

const COUNT = 20;

function setUp(t: { after(fn: () => void): void }, count = COUNT): { inputs: string; fifo: string } {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(
    inputs,
    Array.from({ length: count }, (_, n) => n),
  );
  const fifo = join(dir, 'out.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  return { inputs, fifo };
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`a FIFO --out with no reader: ${signal} ends the wait, exit ${code}`, async (t) => {
    const { inputs, fifo } = setUp(t);
    const fanout = startFanout(t, [DOUBLE, '--inputs', inputs, '--out', fifo, '--strategy', 'async']);
    await waitFor('the wait for a reader', () =>
      /waiting for a process to open the FIFO/.test(fanout.stderr()),
    );
    fanout.child.kill(signal);
    const exited = await fanout.exited;
    assert.equal(exited.code, code, fanout.stderr());
    assert.match(
      fanout.stderr(),
      new RegExp(`${signal}: stopped while waiting for a process to read the FIFO .*out\\.fifo\\n$`),
    );
    await assertNoWorkersLeft(fanout.tag);
  });
}

test('a FIFO --out whose reader comes later: the reader gets every line, then the end', async (t) => {
  const { inputs, fifo } = setUp(t);
  const fanout = startFanout(t, [DOUBLE, '--inputs', inputs, '--out', fifo, '--strategy', 'threads']);
  await waitFor('the wait for a reader', () =>
    /waiting for a process to open the FIFO/.test(fanout.stderr()),
  );
  let text = '';
  for await (const chunk of createReadStream(fifo, 'utf8')) text += chunk;
  const { code } = await fanout.exited;
  assert.equal(code, 0, fanout.stderr());
  for (const [index, line] of assertOneLinePerInput(parseLines(text), COUNT))
    assert.equal(line.value, index * 2);
});

test('a FIFO --out nobody opens within FANOUT_FIFO_WAIT_MS is refused in one line', async (t) => {
  const { inputs, fifo } = setUp(t);
  const run = await runFanout(t, [DOUBLE, '--inputs', inputs, '--out', fifo, '--quiet'], {
    env: { FANOUT_FIFO_WAIT_MS: '200' },
  });
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /^fanout: no process opened the FIFO .*out\.fifo for reading within 0\.2 s: start its reader first\n$/,
  );
});

test('a FIFO --out whose reader goes away mid-run: one line naming the cause, exit 2', async (t) => {
  // Far more output than a pipe holds, so fanout is still writing when the reader leaves.
  const { inputs, fifo } = setUp(t, 50_000);
  const fanout = startFanout(t, [DOUBLE, '--inputs', inputs, '--out', fifo, '--strategy', 'async']);
  const reader = createReadStream(fifo);
  await new Promise<void>((resolve) => reader.once('data', () => resolve()));
  reader.destroy();
  const { code } = await fanout.exited;
  assert.equal(code, 2, fanout.stderr());
  assert.match(fanout.stderr(), /fanout: cannot write .*out\.fifo: .*EPIPE/);
  // --resume cannot continue a FIFO: the summary must not send the user there.
  assert.doesNotMatch(fanout.stderr(), /continue with --resume/);
  assert.match(
    fanout.stderr(),
    /not finished: .*out\.fifo cannot be resumed \(--resume needs a regular file\): run again from the start once the cause is fixed/,
  );
});

test('--resume on a FIFO is refused; a device such as /dev/null is written without a sync', async (t) => {
  const { inputs, fifo } = setUp(t);
  const resumed = await runFanout(t, [DOUBLE, '--inputs', inputs, '--out', fifo, '--resume']);
  assert.equal(resumed.code, 2, resumed.stderr);
  assert.match(resumed.stderr, /--resume needs --out to be a regular file: .*out\.fifo is a FIFO/);
  const devNull = await runFanout(t, [
    DOUBLE,
    '--inputs',
    inputs,
    '--out',
    '/dev/null',
    '--strategy',
    'async',
  ]);
  assert.equal(devNull.code, 0, devNull.stderr);
});
