// `fanout compare --report FILE` writes the self-contained HTML report of the comparison.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-compare-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const task = fileURLToPath(new URL('../../../test/fixtures/double.mjs', import.meta.url));

test('compare --report writes an HTML report with a timeline per strategy', async () => {
  const inputs = join(dir, 'inputs.ndjson');
  writeFileSync(inputs, '1\n2\n3\n4\n');
  const report = join(dir, 'out.html');
  const { code, stdout, stderr } = await runCli(
    ['compare', task, '-i', inputs, '--runs', '1', '--warmup', '0', '--report', report, '-q'],
    { cwd: dir },
  );
  assert.equal(code, 0, stderr);
  assert.ok(stdout.includes(`Report: ${report}`), stdout);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /^<!doctype html>/i);
  assert.ok(html.includes('double.mjs'));
});

test('compare --report into a missing directory fails before measuring, in one line', async () => {
  const { code, stderr } = await runCli(
    ['compare', task, '-i', '-', '--report', join(dir, 'nope', 'out.html')],
    { cwd: dir, stdin: '1\n' },
  );
  assert.equal(code, 2);
  assert.match(stderr, /^fanout: --report: directory not found: .*nope\n$/);
});

test('compare takes a built-in workload by name', async () => {
  const { code, stdout, stderr } = await runCli(
    [
      'compare',
      'sum-of-squares',
      '-i',
      '-',
      '--runs',
      '1',
      '--warmup',
      '0',
      '-s',
      'sequential,threads',
      '-q',
    ],
    { cwd: dir, stdin: '1000\n2000\n' },
  );
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^sum-of-squares · 2 inputs/m);
  assert.match(stdout, /^threads +2 /m);
});
