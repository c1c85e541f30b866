/**
 * `fanout run` under sequential and async: the task runs on a worker thread of its own, so whatever it
 * does — spin, hang, exit — the run's controller stays responsive (issue 10): --timeout fails the stuck
 * input and the run goes on, a crash fails that input only, SIGINT and SIGTERM act and flush.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assertNoWorkersLeft,
  assertOneLinePerInput,
  FAULTS,
  readLines,
  runFanout,
  startFanout,
  tempDir,
  waitFor,
  writeInputs,
} from './helpers.js';

const COUNT = 20;

for (const strategy of ['sequential', 'async'] as const) {
  test(`${strategy}: a synchronous task that spins for ever: --timeout fails that input, the rest complete`, async (t) => {
    const dir = tempDir(t);
    const inputs = join(dir, 'in.ndjson');
    const out = join(dir, 'out.ndjson');
    writeInputs(
      inputs,
      Array.from({ length: COUNT }, (_, n) => (n === 3 ? { n, do: 'spin' } : n)),
    );
    const { code, stderr } = await runFanout(t, [
      FAULTS,
      '--inputs',
      inputs,
      '--out',
      out,
      '--strategy',
      strategy,
      '--timeout',
      '500',
    ]);
    assert.equal(code, 1, stderr);
    const lines = assertOneLinePerInput(readLines(out), COUNT);
    for (const [index, line] of lines) {
      if (index === 3) {
        assert.equal(line.ok, false);
        assert.equal((line as { error: { name: string } }).error.name, 'TimeoutError');
      } else assert.deepEqual(line, { index, ok: true, value: index * 2 });
    }
    assert.match(stderr, new RegExp(`19 ok, 1 failed · ${strategy}`));
  });

  test(`${strategy}: a task that calls process.exit fails its input only`, async (t) => {
    const dir = tempDir(t);
    const inputs = join(dir, 'in.ndjson');
    const out = join(dir, 'out.ndjson');
    writeInputs(
      inputs,
      Array.from({ length: COUNT }, (_, n) => (n === 5 ? { n, do: 'exit' } : n)),
    );
    const { code, stderr } = await runFanout(t, [
      FAULTS,
      '--inputs',
      inputs,
      '--out',
      out,
      '--strategy',
      strategy,
    ]);
    assert.equal(code, 1, stderr);
    const lines = assertOneLinePerInput(readLines(out), COUNT);
    const failed = [...lines.values()].filter((line) => !line.ok);
    assert.deepEqual(
      failed.map((line) => line.index),
      [5],
    );
    assert.equal((failed[0] as { error: { name: string } }).error.name, 'WorkerDiedError');
  });

  test(`${strategy}: SIGTERM while a task spins: the run ends within seconds and keeps what finished`, async (t) => {
    const dir = tempDir(t);
    const inputs = join(dir, 'in.ndjson');
    const out = join(dir, 'out.ndjson');
    writeInputs(
      inputs,
      Array.from({ length: COUNT }, (_, n) => (n === 10 ? { n, do: 'spin', dir } : n)),
    );
    const fanout = startFanout(t, [FAULTS, '--inputs', inputs, '--out', out, '--strategy', strategy]);
    await waitFor('the spinning task to start', () => readLines(out).length >= 10);
    fanout.child.kill('SIGTERM');
    await waitFor('a second chance', () => false, 1000).catch(() => {});
    // The first signal lets in-flight inputs finish; the spinning one never will: a second one aborts it.
    if (fanout.child.exitCode === null) fanout.child.kill('SIGTERM');
    const { code } = await fanout.exited;
    await assertNoWorkersLeft(fanout.tag);
    assert.equal(code, 143, fanout.stderr());
    const lines = readLines(out);
    const seen = new Set(lines.map((line) => line.index));
    assert.equal(seen.size, lines.length, 'no input written twice');
    for (let n = 0; n < 10; n++) assert.ok(seen.has(n), `finished input ${n} was flushed`);
  });
}
