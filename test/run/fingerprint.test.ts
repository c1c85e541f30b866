/** --resume continues an output only from the inputs it was made from (<out>.fanout.json records them). */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkInputs, fingerprintInputs, writeRecord } from '../../src/run/fingerprint.js';
import { assertOneLinePerInput, DOUBLE, readLines, runFanout, tempDir, writeInputs } from './helpers.js';

const COUNT = 10;
const numbers = (from: number) => Array.from({ length: COUNT }, (_, n) => from + n);

/** A finished run's output cut back to its first `keep` lines, plus a torn line: what a kill leaves. */
function interrupt(out: string, keep: number): string {
  const lines = readFileSync(out, 'utf8').split('\n').slice(0, keep);
  const text = `${lines.join('\n')}\n{"index":9,"ok":tr`;
  writeFileSync(out, text);
  return text;
}

async function run(t: { after(fn: () => void): void }, inputs: string, out: string, ...more: string[]) {
  return runFanout(t, [DOUBLE, '--inputs', inputs, '--out', out, '--strategy', 'async', ...more]);
}

test('--resume with another inputs file is refused in one line naming both, and the output is left as it was', async (t) => {
  const dir = tempDir(t);
  const first = join(dir, 'in1.ndjson');
  const other = join(dir, 'in2.ndjson');
  const out = join(dir, 'out.ndjson');
  // The same size: only their bytes tell them apart.
  writeInputs(first, numbers(10));
  writeInputs(other, numbers(20));
  assert.equal((await run(t, first, out)).code, 0);
  const before = interrupt(out, 4);

  const refused = await run(t, other, out, '--resume');
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(
    refused.stderr,
    /^fanout: .*in2\.ndjson is not the inputs .*out\.ndjson was made from \(.*in1\.ndjson: their first bytes differ\): --resume with those inputs, or remove .*out\.ndjson\.fanout\.json to resume anyway\n$/,
  );
  assert.equal(readFileSync(out, 'utf8'), before, 'not a byte changed, not even the torn line');

  // The same inputs under another name are the same inputs.
  renameSync(first, join(dir, 'moved.ndjson'));
  const resumed = await run(t, join(dir, 'moved.ndjson'), out, '--resume');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stderr, /not checked/);
  for (const [index, line] of assertOneLinePerInput(readLines(out), COUNT))
    assert.equal(line.value, (10 + index) * 2);
});

test('--resume refuses the same file regenerated: inputs added, or its last inputs changed', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  writeInputs(inputs, numbers(0));
  assert.equal((await run(t, inputs, out)).code, 0);
  interrupt(out, 4);
  const original = readFileSync(inputs, 'utf8');

  writeFileSync(inputs, `${original}10\n`);
  const grown = await run(t, inputs, out, '--resume');
  assert.equal(grown.code, 2, grown.stderr);
  assert.match(grown.stderr, /\(.*in\.ndjson: it was 20 bytes, this one is 23\)/);

  writeFileSync(inputs, original.replace(/9\n$/, '8\n'));
  const edited = await run(t, inputs, out, '--resume');
  assert.equal(edited.code, 2, edited.stderr);
  assert.match(edited.stderr, /their first bytes differ/, 'a file under 64 KiB is all "first bytes"');
});

test('the record sits beside the output; the output lines are as they always were', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  writeInputs(inputs, numbers(0));
  assert.equal((await run(t, inputs, out, '--ordered')).code, 0);
  assert.equal(
    readFileSync(out, 'utf8'),
    numbers(0)
      .map((n) => `{"index":${n},"ok":true,"value":${2 * n}}\n`)
      .join(''),
  );
  const record = JSON.parse(readFileSync(`${out}.fanout.json`, 'utf8')) as {
    fanout: string;
    inputs: { path: string; size: number };
  };
  assert.equal(record.fanout, 'run');
  assert.equal(record.inputs.path, inputs);
  assert.equal(record.inputs.size, readFileSync(inputs).length);
});

test('an output with no record (an older fanout’s) resumes unchecked, says so, and is checked from then on', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  writeInputs(inputs, numbers(0));
  assert.equal((await run(t, inputs, out)).code, 0);
  rmSync(`${out}.fanout.json`);
  interrupt(out, 4);
  const resumed = await run(t, inputs, out, '--resume');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /inputs not checked: the output has no record of them; recorded now/);
  assert.ok(existsSync(`${out}.fanout.json`));

  interrupt(out, 4);
  writeInputs(join(dir, 'other.ndjson'), numbers(50));
  const refused = await run(t, join(dir, 'other.ndjson'), out, '--resume');
  assert.equal(refused.code, 2, refused.stderr);
});

test('inputs from stdin are not checked, and --resume says so', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'out.ndjson');
  const text = `${numbers(0).join('\n')}\n`;
  const fresh = await runFanout(t, [DOUBLE, '--inputs', '-', '--out', out, '--strategy', 'async'], {
    stdin: text,
  });
  assert.equal(fresh.code, 0, fresh.stderr);
  interrupt(out, 4);
  const resumed = await runFanout(
    t,
    [DOUBLE, '--inputs', '-', '--out', out, '--strategy', 'async', '--resume'],
    {
      stdin: text,
    },
  );
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /inputs not checked: they are not a file, now or when the output was made/);
  assertOneLinePerInput(readLines(out), COUNT);
});

test('fingerprint: a same-size edit near the end of a large file is caught by the tail', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  const lines = Array.from({ length: 50_000 }, (_, n) => String(n % 10));
  writeFileSync(inputs, `${lines.join('\n')}\n`);
  await writeRecord(out, fingerprintInputs(inputs));
  assert.equal(await checkInputs(out, 'out', fingerprintInputs(inputs), 'in'), 'matched');
  lines[lines.length - 2] = lines[lines.length - 2] === '1' ? '2' : '1';
  writeFileSync(inputs, `${lines.join('\n')}\n`);
  await assert.rejects(checkInputs(out, 'out', fingerprintInputs(inputs), 'in'), /their last bytes differ/);
});
