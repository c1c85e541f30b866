/** `fanout advise` as a real child process, its output parsed. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Advice } from '../../src/advise/types.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../test/fixtures/advise/${name}.mjs`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fanout-advise-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function inputsFile(name: string, lines: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  return path;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function fanout(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [main, ...args],
      { env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

test('--json prints the advice: a waiting task is I/O-bound, async', async () => {
  const inputs = inputsFile(
    'sleep.ndjson',
    Array.from({ length: 40 }, () => 20),
  );
  const { code, stdout, stderr } = await fanout([
    'advise',
    fixture('sleep'),
    '--inputs',
    inputs,
    '--budget',
    '2',
    '--json',
  ]);
  assert.equal(code, 0, stderr);
  const advice = JSON.parse(stdout) as Advice;
  assert.equal(advice.verdict.kind, 'io-bound');
  assert.equal(advice.verdict.strategy, 'async');
  assert.equal(advice.measurements.total, 40);
  assert.ok(advice.probes.length >= 2);
  assert.ok(advice.projections.length >= 2);
});

test('the text names the verdict, the recommendation, the reasons and the projections', async () => {
  const inputs = inputsFile(
    'tiny.json',
    [JSON.stringify([1, 2, 3])].map((x) => JSON.parse(x)),
  );
  const { code, stdout } = await fanout(['advise', fixture('tiny'), '--inputs', inputs, '--budget', '1']);
  assert.equal(code, 0);
  assert.match(stdout, /^Verdict: too small to be worth parallelising$/m);
  assert.match(stdout, /^Recommended: sequential$/m);
  assert.match(stdout, /Knuth/);
  assert.match(stdout, /^Projected wall time for all 3 inputs$/m);
  assert.match(stdout, /^ {2}sequential +\S+ m?s$/m);
});

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

test('--quiet prints the recommendation alone', async () => {
  const inputs = inputsFile('tiny.ndjson', [1, 2, 3, 4]);
  const { code, stdout } = await fanout(['advise', fixture('tiny'), '--inputs', inputs, '--quiet']);
  assert.equal(code, 0);
  assert.equal(stdout, 'too-small: sequential\n');
});

test('usage and setup errors: exit 2 and one line naming the cause', async () => {
  const inputs = inputsFile('one.ndjson', [1]);
  const cases: [string[], RegExp][] = [
    [['advise', fixture('tiny')], /required option '--inputs/],
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
