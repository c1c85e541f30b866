import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOCAL_STRATEGIES } from '../../src/index.js';
import {
  assertOneLinePerInput,
  DOUBLE,
  FAULTS,
  parseLines,
  readLines,
  runFanout,
  startFanout,
  tempDir,
  waitFor,
  writeInputs,
} from './helpers.js';

const COUNT = 50;
const numbers = Array.from({ length: COUNT }, (_, i) => i);

for (const strategy of LOCAL_STRATEGIES) {
  test(`${strategy}: one ok line per input, with the right values`, async (t) => {
    const dir = tempDir(t);
    writeInputs(join(dir, 'in.ndjson'), numbers);
    const out = join(dir, 'out.ndjson');
    const { code, stderr } = await runFanout(t, [
      DOUBLE,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      out,
      '--strategy',
      strategy,
    ]);
    assert.equal(code, 0, stderr);
    const byIndex = assertOneLinePerInput(readLines(out), COUNT);
    for (const [index, line] of byIndex) assert.deepEqual(line, { index, ok: true, value: index * 2 });
    assert.match(stderr, new RegExp(`${COUNT} inputs recorded .*${COUNT} ok, 0 failed · ${strategy}`));
  });
}

for (const strategy of ['threads', 'processes'] as const) {
  test(`${strategy}: --in-flight runs several tasks at once on each worker, one line per input`, async (t) => {
    const dir = tempDir(t);
    writeInputs(join(dir, 'in.ndjson'), numbers);
    const out = join(dir, 'out.ndjson');
    const { code, stderr } = await runFanout(t, [
      DOUBLE,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      out,
      '--strategy',
      strategy,
      '--concurrency',
      '2',
      '--in-flight',
      '8',
    ]);
    assert.equal(code, 0, stderr);
    const byIndex = assertOneLinePerInput(readLines(out), COUNT);
    for (const [index, line] of byIndex) assert.deepEqual(line, { index, ok: true, value: index * 2 });
    assert.match(stderr, new RegExp(`${COUNT} ok, 0 failed · ${strategy} 2×8`));
  });
}

test('--in-flight is refused under async with one line that says why', async (t) => {
  const dir = tempDir(t);
  writeInputs(join(dir, 'in.ndjson'), numbers);
  const { code, stderr } = await runFanout(t, [
    DOUBLE,
    '--inputs',
    join(dir, 'in.ndjson'),
    '--out',
    join(dir, 'out.ndjson'),
    '--strategy',
    'async',
    '--in-flight',
    '4',
  ]);
  assert.equal(code, 2);
  assert.equal(
    stderr,
    'fanout: --in-flight applies to --strategy threads or processes; under --strategy async, --concurrency is the tasks in flight\n',
  );
});

for (const strategy of ['async', 'threads'] as const) {
  test(`${strategy}: --ordered writes lines in input order, even when later inputs finish first`, async (t) => {
    const dir = tempDir(t);
    // Early inputs are slow, late ones instant: completion order is far from input order.
    const inputs = numbers.map((n) => ({ n, do: 'slow', ms: n < 10 ? 60 - 5 * n : 0 }));
    writeInputs(join(dir, 'in.ndjson'), inputs);
    const out = join(dir, 'out.ndjson');
    const args = [
      FAULTS,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      out,
      '--strategy',
      strategy,
      '--ordered',
    ];
    const { code, stderr } = await runFanout(t, args);
    assert.equal(code, 0, stderr);
    const lines = readLines(out);
    assert.deepEqual(
      lines.map((line) => line.index),
      numbers,
    );
    for (const line of lines) assert.equal(line.value, line.index * 2);
  });
}

test('stdin to stdout, with blank lines not counted as inputs', async (t) => {
  const { code, stdout, stderr } = await runFanout(
    t,
    [DOUBLE, '--inputs', '-', '--out', '-', '--strategy', 'async'],
    {
      stdin: '1\n\n   \n2\n3',
    },
  );
  assert.equal(code, 0, stderr);
  const byIndex = assertOneLinePerInput(parseLines(stdout), 3);
  assert.deepEqual(
    [...byIndex.values()].sort((a, b) => a.index - b.index).map((line) => line.value),
    [2, 4, 6],
  );
});

test('values JSON cannot hold are written with markers; undefined leaves out "value"', async (t) => {
  const dir = tempDir(t);
  writeInputs(join(dir, 'in.ndjson'), [
    { n: 3, do: 'bigint' },
    { n: 4, do: 'special' },
    { n: 5, do: 'undefined' },
  ]);
  const out = join(dir, 'out.ndjson');
  const { code, stderr } = await runFanout(t, [
    FAULTS,
    '--inputs',
    join(dir, 'in.ndjson'),
    '--out',
    out,
    '--ordered',
  ]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(readLines(out), [
    { index: 0, ok: true, value: { $bigint: (3n ** 20n).toString() } },
    {
      index: 1,
      ok: true,
      value: {
        big: { $bigint: (2n ** 64n).toString() },
        nan: { $number: 'NaN' },
        inf: { $number: '-Infinity' },
        map: { $map: [['a', 1]] },
        set: { $set: [4] },
      },
    },
    { index: 2, ok: true },
  ]);
});

test('usage errors exit 2 with one line naming the cause', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(inputs, [1]);
  const out = join(dir, 'out.ndjson');
  const cases: [string[], RegExp][] = [
    [
      [DOUBLE, '--inputs', inputs, '--out', out, '--strategy', 'fibers'],
      /--strategy.*fibers.*sequential, async, threads, processes/,
    ],
    [
      [DOUBLE, '--inputs', inputs, '--out', out, '--concurrency', '0'],
      /--concurrency: expected a whole number of at least 1, got `0`/,
    ],
    [
      [DOUBLE, '--inputs', inputs, '--out', out, '--retries', '-1'],
      /--retries: expected a whole number \(0 or more\), got `-1`/,
    ],
    [[DOUBLE, '--inputs', join(dir, 'nope.ndjson'), '--out', out], /inputs file not found/],
    [[join(dir, 'nope.mjs'), '--inputs', inputs, '--out', out], /nope\.mjs/],
    [[DOUBLE, '--inputs', inputs, '--out', '-', '--resume'], /--resume needs --out to be a file/],
    [[DOUBLE, '--inputs', inputs], /--out/],
    // The default strategy, auto, picks the tasks in flight itself; --redis needs distributed.
    [
      [DOUBLE, '--inputs', inputs, '--out', out, '--in-flight', '4'],
      /^fanout: --in-flight applies to --strategy threads or processes; under --strategy auto \(the default\), the advisor picks the tasks in flight itself$/m,
    ],
    [
      [DOUBLE, '--inputs', inputs, '--out', out, '--strategy', 'threads', '--redis', 'redis://127.0.0.1:1'],
      /^fanout: --redis is for --strategy distributed only, not --strategy threads$/m,
    ],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runFanout(t, args);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
  }
});

test('--report into a directory that is not there is refused before any input runs', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(inputs, [1, 2, 3]);
  const out = join(dir, 'out.ndjson');
  const report = join(dir, 'nope', 't.html');
  const { code, stderr } = await runFanout(t, [
    DOUBLE,
    '--inputs',
    inputs,
    '--out',
    out,
    '--strategy',
    'threads',
    '--report',
    report,
  ]);
  assert.equal(code, 2, stderr);
  assert.equal(stderr, `fanout: --report: directory not found: ${join(dir, 'nope')}\n`);
  assert.equal(existsSync(out), false, 'no input ran, so no output was started');
});

test('without --strategy, run lets auto choose, records every input once and says what it chose', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(inputs, [1, 2, 3, 4, 5]);
  const out = join(dir, 'out.ndjson');
  const { code, stderr } = await runFanout(t, [DOUBLE, '--inputs', inputs, '--out', out]);
  assert.equal(code, 0, stderr);
  for (const [index, line] of assertOneLinePerInput(readLines(out), 5)) {
    assert.deepEqual(line, { index, ok: true, value: (index + 1) * 2 });
  }
  // The summary names the choice in compare's notation and what advice cost, and the reasons follow.
  const chose =
    /^fanout run: auto chose (sequential|async adaptive|(async|threads|processes) \d+(×\d+)?) after .+ of advice, which ran \d+ inputs? of the job:$/m.exec(
      stderr,
    );
  assert.ok(chose, stderr);
  assert.match(stderr, new RegExp(`5 ok, 0 failed · ${chose[1]} → `));
});

test('stdin fed slowly: each result is written before the next input comes, under auto too (its sample waits a bounded time)', async (t) => {
  for (const strategy of ['async', 'threads', 'auto']) {
    const named = strategy === 'auto' ? [] : ['--strategy', strategy]; // auto is the default
    const fanout = startFanout(t, [DOUBLE, '--inputs', '-', '--out', '-', ...named, '-q'], {
      openStdin: true,
    });
    const stdin = fanout.child.stdin!;
    stdin.write('1\n');
    // The first result comes out while stdin is still open and holds nothing more.
    await waitFor(`${strategy}: the first result`, () => fanout.stdout().includes('"index":0'));
    stdin.end('2\n');
    const { code } = await fanout.exited;
    assert.equal(code, 0, fanout.stderr());
    assert.deepEqual(
      parseLines(fanout.stdout()).map((line) => line.value),
      [2, 4],
    );
  }
});

test('a fresh run refuses to write over an output that holds results', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(inputs, [1, 2]);
  const out = join(dir, 'out.ndjson');
  writeFileSync(out, '{"index":0,"ok":true,"value":2}\n');
  const { code, stderr } = await runFanout(t, [DOUBLE, '--inputs', inputs, '--out', out]);
  assert.equal(code, 2);
  assert.match(stderr, /already holds results: pass --resume/);
  assert.equal(readLines(out).length, 1, 'the file is untouched');
});

test('a task module that fails to load stops the run with exit 2 and records nothing', async (t) => {
  const dir = tempDir(t);
  const task = join(dir, 'broken.mjs');
  writeFileSync(task, 'export default (x) => x +;\n');
  const inputs = join(dir, 'in.ndjson');
  writeInputs(inputs, numbers);
  const out = join(dir, 'out.ndjson');
  const { code, stderr } = await runFanout(t, [task, '--inputs', inputs, '--out', out]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /broken\.mjs/);
  assert.equal(readLines(out).length, 0);
});
