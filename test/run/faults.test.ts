/** Each fault, injected for real, under the strategies where it can happen: one line per input, always. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOCAL_STRATEGIES } from '../../src/index.js';
import {
  assertOneLinePerInput,
  FAULTS,
  type ResultLine,
  readLines,
  runFanout,
  tempDir,
  writeInputs,
} from './helpers.js';

const COUNT = 12;

interface Case {
  inputs: unknown[];
  args?: string[];
}

/** Runs the fault task over `inputs` and returns the lines by index, after the common checks. */
async function runCase(
  t: { after(fn: () => void): void },
  strategy: string,
  make: (dir: string) => Case,
): Promise<{ code: number | null; stderr: string; lines: Map<number, ResultLine> }> {
  const dir = tempDir(t);
  const { inputs, args = [] } = make(dir);
  writeInputs(join(dir, 'in.ndjson'), inputs);
  const out = join(dir, 'out.ndjson');
  const run = await runFanout(t, [
    FAULTS,
    '--inputs',
    join(dir, 'in.ndjson'),
    '--out',
    out,
    '--strategy',
    strategy,
    ...(strategy === 'sequential' ? [] : ['--concurrency', '2']),
    ...args,
  ]);
  return { code: run.code, stderr: run.stderr, lines: assertOneLinePerInput(readLines(out), inputs.length) };
}

/** Every input but `failing` succeeded with 2n. */
function assertOthersOk(lines: Map<number, ResultLine>, failing: number[]): void {
  for (const [index, line] of lines) {
    if (failing.includes(index)) continue;
    assert.deepEqual(line, { index, ok: true, value: index * 2 }, `input ${index}`);
  }
}

const numbers = (dir: string, count = COUNT) =>
  Array.from({ length: count }, (_, n) => ({ n, do: 'ok', dir }) as Record<string, unknown>);

for (const strategy of LOCAL_STRATEGIES) {
  test(`${strategy}: a task that throws fails that input only, with its error`, async (t) => {
    const { code, lines } = await runCase(t, strategy, (dir) => {
      const inputs = numbers(dir);
      inputs[5] = { n: 5, do: 'throw' };
      return { inputs };
    });
    assert.equal(code, 1);
    assert.deepEqual(lines.get(5)!.error, {
      name: 'TypeError',
      message: 'bad input 5',
      attempts: 1,
      code: 'E_BAD_INPUT',
    });
    assertOthersOk(lines, [5]);
  });

  test(`${strategy}: a malformed input line fails that index, naming the line`, async (t) => {
    const { code, lines } = await runCase(t, strategy, (dir) => {
      const inputs: unknown[] = numbers(dir);
      inputs[3] = '{"n": 3, oops';
      return { inputs };
    });
    assert.equal(code, 1);
    const error = lines.get(3)!.error!;
    assert.equal(error.name, 'InputError');
    assert.equal(error.attempts, 0);
    assert.match(error.message, /malformed JSON on line 4/);
    assertOthersOk(lines, [3]);
  });

  test(`${strategy}: --retries runs a failed input again; the error line counts the attempts`, async (t) => {
    const { code, lines } = await runCase(t, strategy, (dir) => {
      const inputs = numbers(dir);
      for (const n of [1, 4, 7]) inputs[n] = { n, do: 'flaky', dir };
      inputs[9] = { n: 9, do: 'always-fails' };
      return { inputs, args: ['--retries', '2'] };
    });
    assert.equal(code, 1);
    assert.deepEqual(lines.get(9)!.error, { name: 'Error', message: '9 always fails', attempts: 3 });
    assertOthersOk(lines, [9]);
  });

  test(`${strategy}: a task past --timeout fails with a TimeoutError; the others complete`, async (t) => {
    const last = COUNT - 1;
    const { code, lines } = await runCase(t, strategy, (dir) => {
      // Last: nothing queued behind it (the next test puts inputs behind one).
      const inputs = numbers(dir);
      inputs[last] = { n: last, do: 'hang' };
      return { inputs, args: ['--timeout', '500'] };
    });
    assert.equal(code, 1);
    const error = lines.get(last)!.error!;
    assert.equal(error.name, 'TimeoutError');
    assert.equal(error.code, 'ERR_FANOUT_TIMEOUT');
    assert.match(error.message, new RegExp(`input ${last} of .*faults\\.mjs timed out after 500 ms`));
    assertOthersOk(lines, [last]);
  });

  if (strategy === 'threads' || strategy === 'processes') {
    test(`${strategy}: inputs queued behind a task that times out are not timed out themselves`, async (t) => {
      const { lines } = await runCase(t, strategy, (dir) => {
        const inputs = numbers(dir, 40);
        inputs[20] = { n: 20, do: 'hang' };
        return { inputs, args: ['--timeout', '500'] };
      });
      assertOthersOk(lines, [20]);
    });
  }

  if (strategy === 'sequential') continue;

  test(`${strategy}: outputs that cannot be cloned, or written as JSON, fail their input only`, async (t) => {
    const { code, lines } = await runCase(t, strategy, (dir) => {
      const inputs = numbers(dir);
      inputs[4] = { n: 4, do: 'uncloneable' };
      inputs[8] = { n: 8, do: 'cycle' };
      return { inputs };
    });
    assert.equal(code, 1);
    assert.equal(lines.get(4)!.error!.name, 'CloneError');
    assert.match(lines.get(4)!.error!.message, /output of input 4 .*cannot be/);
    assert.equal(lines.get(8)!.error!.name, 'OutputEncodingError');
    assert.match(
      lines.get(8)!.error!.message,
      /input 8 cannot be written as JSON: Converting circular structure/,
    );
    assertOthersOk(lines, [4, 8]);
  });
}

for (const strategy of ['threads', 'processes']) {
  test(`${strategy}: a task that calls process.exit fails its input; a new worker runs the rest`, async (t) => {
    const { code, lines } = await runCase(t, strategy, (dir) => {
      const inputs = numbers(dir);
      inputs[6] = { n: 6, do: 'exit' };
      return { inputs };
    });
    assert.equal(code, 1);
    const error = lines.get(6)!.error!;
    assert.equal(error.name, 'WorkerDiedError');
    assert.match(error.message, /running input 6 .*exited with code 3/);
    assertOthersOk(lines, [6]);
  });

  test(`${strategy}: a worker out of memory fails its input; the others complete`, async (t) => {
    const { code, lines } = await runCase(t, strategy, (dir) => {
      // First: the simplest case (the SIGKILL test below has a death after other inputs).
      const inputs = numbers(dir);
      inputs[0] = { n: 0, do: 'oom' };
      return { inputs, args: ['--max-memory', '64'] };
    });
    assert.equal(code, 1);
    const error = lines.get(0)!.error!;
    assert.equal(error.name, 'WorkerDiedError');
    assert.match(error.message, /out of memory \(limit 64 MiB\)/);
    assertOthersOk(lines, [0]);
  });
}

test('processes: a worker killed with SIGKILL mid-task fails that input; the others complete', async (t) => {
  const { code, lines } = await runCase(t, 'processes', (dir) => {
    const inputs = numbers(dir);
    inputs[0] = { n: 0, do: 'kill' };
    return { inputs };
  });
  assert.equal(code, 1);
  const error = lines.get(0)!.error!;
  assert.equal(error.name, 'WorkerDiedError');
  assert.match(error.message, /running input 0 .*killed by SIGKILL/);
  assertOthersOk(lines, [0]);
});

test('processes: SIGKILL in a worker that just finished other inputs blames only the killer', async (t) => {
  const { lines } = await runCase(t, 'processes', (dir) => {
    const inputs = numbers(dir, 200);
    inputs[150] = { n: 150, do: 'kill' };
    return { inputs, args: ['--concurrency', '1'] };
  });
  assertOthersOk(lines, [150]);
});
