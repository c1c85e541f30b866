/** --out that is the --inputs file under another name is refused before anything is written. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, DOUBLE, runFanout, tempDir, writeInputs } from './helpers.js';

test('--out naming the --inputs file another way (same path, ./, a symlink, a hard link) is refused', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(inputs, [1, 2, 3]);
  const before = readFileSync(inputs, 'utf8');
  symlinkSync(inputs, join(dir, 'link.ndjson'));
  linkSync(inputs, join(dir, 'hard.ndjson'));
  const outs = [inputs, `${dir}/./in.ndjson`, join(dir, 'link.ndjson'), join(dir, 'hard.ndjson')];
  for (const out of outs) {
    const { code, stderr } = await runFanout(t, [DOUBLE, '--inputs', inputs, '--out', out]);
    assert.equal(code, 2, `${out}: ${stderr}`);
    assert.equal(
      stderr,
      `fanout: --out ${out} is the --inputs file ${inputs}: the results would overwrite the inputs\n`,
    );
    assert.equal(readFileSync(inputs, 'utf8'), before, `${out}: the inputs are untouched`);
  }
});

test('--out that is the file stdin is redirected from is refused too', (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(inputs, [1, 2, 3]);
  const before = readFileSync(inputs, 'utf8');
  const fd = openSync(inputs, 'r');
  try {
    const child = spawnSync(process.execPath, [CLI, 'run', DOUBLE, '--inputs', '-', '--out', inputs], {
      stdio: [fd, 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.equal(child.status, 2, child.stderr);
    assert.equal(
      child.stderr,
      `fanout: --out ${inputs} is the file stdin reads from: the results would overwrite the inputs\n`,
    );
  } finally {
    closeSync(fd);
  }
  assert.equal(readFileSync(inputs, 'utf8'), before);
});

test('a different file beside the inputs is written as usual', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(inputs, [1, 2]);
  const out = join(dir, 'out.ndjson');
  const { code, stderr } = await runFanout(t, [DOUBLE, '--inputs', inputs, '--out', out, '--quiet']);
  assert.equal(code, 0, stderr);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 2);
});
