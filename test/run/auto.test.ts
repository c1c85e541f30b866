// `fanout run --strategy auto --advisor-budget …`: every input ends exactly once in the output, the
// results the advisor got while sampling among them; the summary says what advice cost.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-run-auto-budget-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../test/fixtures/advise/${name}`, import.meta.url));

function lines(file: string): { index: number; ok: boolean; value: unknown }[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

test('run --strategy auto --advisor-budget: one line per input, the cost of advice in the summary', async () => {
  const inputs = join(dir, 'inputs.ndjson');
  const out = join(dir, 'out.ndjson');
  writeFileSync(inputs, `${Array.from({ length: 80 }, (_, i) => `${5 + (i % 3)}`).join('\n')}\n`);
  const { code, stderr } = await runCli([
    'run',
    fixture('sleep.mjs'),
    '--inputs',
    inputs,
    '--out',
    out,
    '--strategy',
    'auto',
    '--advisor-budget',
    '0.5',
  ]);
  assert.equal(code, 0, stderr);
  const written = lines(out);
  assert.equal(written.length, 80);
  assert.deepEqual(
    written.map((line) => line.index).sort((a, b) => a - b),
    Array.from({ length: 80 }, (_, i) => i),
  );
  assert.ok(written.every((line) => line.ok === true && line.value === 5 + (line.index % 3)));
  const cost = /auto chose .+? after (.+) of advice, which ran (\d+) inputs? of the job:/.exec(stderr);
  assert.ok(cost, stderr);
  assert.ok(Number(cost[2]) >= 1 && Number(cost[2]) <= 80, stderr);
});

test('run --strategy auto on a job the sample runs whole: it says so, and every input ends once', async () => {
  const inputs = join(dir, 'small.ndjson');
  const out = join(dir, 'small-out.ndjson');
  writeFileSync(inputs, '1\n2\n3\n4\n5\n');
  const { code, stderr } = await runCli([
    'run',
    fixture('tiny.mjs'),
    '-i',
    inputs,
    '-o',
    out,
    '--strategy',
    'auto',
  ]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(
    lines(out)
      .map((line) => [line.index, line.value])
      .sort((a, b) => (a[0] as number) - (b[0] as number)),
    [
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ],
  );
  // The sample stops when the rest would be over before more advice (or when it ran every input).
  assert.match(stderr, /auto chose sequential after .+ of advice, which ran [1-5] inputs? of the job:/);
  assert.match(
    stderr,
    /the whole job was over before sampling|more advice would cost more than it could save/,
  );
  assert.doesNotMatch(stderr, /starting a single worker thread/);
});

test('run --strategy auto on a tiny CPU job starts no worker to learn one is not worth it', async () => {
  const inputs = join(dir, 'tiny-cpu.ndjson');
  const out = join(dir, 'tiny-cpu-out.ndjson');
  writeFileSync(inputs, '8\n8\n8\n8\n8\n');
  const { code, stderr } = await runCli(['run', fixture('busy.mjs'), '-i', inputs, '-o', out]);
  assert.equal(code, 0, stderr);
  assert.equal(lines(out).length, 5);
  assert.match(stderr, /auto chose sequential after/);
  // Decided from the sample alone: the floor of a worker's start-up, or the rest over before more advice.
  assert.match(
    stderr,
    /so no worker is started|more advice would cost more than it could save|over before sampling/,
  );
  assert.doesNotMatch(stderr, /starting a single worker thread takes \(.+, measured\)/);
});

test('run --strategy auto on a few waiting inputs runs them under async, never sequentially', async () => {
  const inputs = join(dir, 'few-waits.ndjson');
  const out = join(dir, 'few-waits-out.ndjson');
  writeFileSync(inputs, '20\n20\n20\n20\n20\n');
  const { code, stderr } = await runCli(['run', fixture('sleep.mjs'), '-i', inputs, '-o', out]);
  assert.equal(code, 0, stderr);
  assert.equal(lines(out).length, 5);
  assert.match(stderr, /auto chose async/);
  assert.doesNotMatch(stderr, /Run it sequentially/);
});

test('run --strategy auto from stdin: the size is unknown, the lines are still one per input', async () => {
  const out = join(dir, 'stdin-out.ndjson');
  const { code, stderr } = await runCli(
    ['run', fixture('tiny.mjs'), '-i', '-', '-o', out, '--strategy', 'auto', '--advisor-budget', '0.2'],
    { stdin: `${Array.from({ length: 30 }, (_, i) => String(i)).join('\n')}\n` },
  );
  assert.equal(code, 0, stderr);
  const written = lines(out);
  assert.equal(written.length, 30);
  assert.equal(new Set(written.map((line) => line.index)).size, 30);
  assert.ok(written.every((line) => line.value === line.index));
});

test('--advisor-budget refuses what is not a positive number of seconds, and a named strategy', async () => {
  const run = (strategy: string, budget: string) =>
    runCli([
      'run',
      fixture('tiny.mjs'),
      '-i',
      '-',
      '-o',
      '-',
      '--strategy',
      strategy,
      '--advisor-budget',
      budget,
    ]);
  const zero = await run('auto', '0');
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--advisor-budget: expected a positive number of seconds, got `0`/);
  const named = await run('threads', '1');
  assert.equal(named.code, 2);
  assert.match(named.stderr, /--advisor-budget is for --strategy auto only, not --strategy threads$/m);
});
