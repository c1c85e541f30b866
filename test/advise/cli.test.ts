/** `fanout advise` as a real child process: its report and its usage errors (verdicts: cli.timing.test.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dir, fanout, fixture, inputsFile } from './cli-helpers.js';

test('--report writes one HTML file with the verdict and the probes', async () => {
  const inputs = inputsFile(
    'sleep-report.ndjson',
    Array.from({ length: 30 }, () => 20),
  );
  const report = join(dir, 'advice.html');
  const { code, stdout } = await fanout([
    'advise',
    fixture('sleep'),
    '--inputs',
    inputs,
    '--budget',
    '1.5',
    '--report',
    report,
  ]);
  assert.equal(code, 0);
  assert.match(stdout, /^Report: .*advice\.html$/m);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /^<!doctype html>/i);
  assert.match(html, /<svg/);
  assert.match(html, /async/);
});

test('usage and setup errors: exit 2 and one line naming the cause', async () => {
  const inputs = inputsFile('one.ndjson', [1]);
  const cases: [string[], RegExp][] = [
    [['advise', fixture('tiny')], /--inputs is required/],
    [['advise', fixture('tiny'), '--inputs', join(dir, 'absent.ndjson')], /inputs file not found/],
    [
      ['advise', fixture('tiny'), '--inputs', inputs, '--budget', 'soon'],
      /--budget: expected a positive number of seconds, got `soon`/,
    ],
    [
      ['advise', fixture('tiny'), '--inputs', inputs, '--max-concurrency', '0'],
      /--max-concurrency: expected a whole number of at least 1, got `0`/,
    ],
    [['advise', fixture('absent'), '--inputs', inputs], /task module not found/],
    [
      ['advise', fixture('tiny'), '--inputs', inputs, '--report', join(dir, 'no', 'r.html')],
      /--report: directory not found/,
    ],
    [['advise', fixture('tiny'), '--inputs', inputsFile('empty.json', []), '--quiet'], /holds no inputs/],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await fanout(args);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.equal(stdout, '');
    assert.match(stderr, message);
    assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
  }
});
