// `fanout run --strategy auto`: the advisor picks, every input gets its line, the summary says why.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-run-auto-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sleep = fileURLToPath(new URL('../../../test/fixtures/advise/sleep.mjs', import.meta.url));

test('run --strategy auto picks async for a waiting task, writes one line per input and gives reasons', async () => {
  const inputs = join(dir, 'inputs.ndjson');
  const out = join(dir, 'out.ndjson');
  writeFileSync(inputs, `${Array.from({ length: 120 }, () => '15').join('\n')}\n`);
  const { code, stderr } = await runCli([
    'run',
    sleep,
    '--inputs',
    inputs,
    '--out',
    out,
    '--strategy',
    'auto',
  ]);
  assert.equal(code, 0, stderr);
  const lines = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(lines.length, 120);
  assert.deepEqual(new Set(lines.map((line) => line.index)).size, 120);
  assert.ok(lines.every((line) => line.ok === true && line.value === 15));
  // A waiting task starts at once under an adaptive limit, with its reasons (src/advise/adaptive-start.ts).
  assert.match(stderr, /auto chose async adaptive after /);
  assert.match(stderr, /adaptive limit: (stayed at|from) \d+/);
  assert.match(stderr, /Started async with an adaptive limit from \d+ \(bounds 1–120\)/);
  assert.match(stderr, /the task mostly waits/);
});
