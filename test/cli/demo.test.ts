// `fanout demo` as a user runs it (with small sizes through its flags), output and report checked.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LOCAL_STRATEGIES } from '../../src/core/options.js';
import { escapeHtml } from '../../src/report/html/escape.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('demo runs the seed jobs under all four strategies, the mixed one under the hybrid too, explains them and writes the report', async () => {
  const report = join(dir, 'seed.html');
  const { code, stdout, stderr } = await runCli(
    ['demo', '--seed-sizes', '--runs', '1', '--delay', '5', '--report', report, '--quiet'],
    { cwd: dir },
  );
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '', 'nothing on stderr with --quiet');
  const [io, rest] = stdout.split(/^CPU-bound: /m);
  const [cpu, mixed] = (rest ?? '').split(/^Mixed: /m);
  assert.ok(io?.includes('I/O-bound: 80 downloads'), stdout);
  assert.ok(cpu?.startsWith("sum of squares below each of the seed's 20 numbers from 5,000,000"), stdout);
  assert.ok(
    mixed?.startsWith('80 downloads of the 2443-byte page, 5 ms each, then 3,000 SHA-256 rounds'),
    stdout,
  );
  for (const job of [io!, cpu!, mixed!]) {
    for (const strategy of LOCAL_STRATEGIES) assert.match(job, new RegExp(`^${strategy} +\\d`, 'm'));
    assert.match(job, /^Why:$/m);
    assert.match(job, /ran [\d.]+ × (faster|slower) than/);
  }
  assert.match(io!, /Each download mostly waits: sequential used .* of CPU/);
  // The hybrid: threads with one worker per core and K tasks in flight each, K from the busy share.
  assert.match(mixed!, /^threads \d+×\d+ +\d+×\d+ +\d/m);
  assert.match(mixed!, /^ {2}threads \d+×(\d+) keeps \1 tasks in flight on each of \d+ workers/m);
  assert.match(mixed!, /^ {2}The hybrid (won|had the lowest median|did not win here)/m);
  assert.match(
    cpu!,
    /The work is pure computation|Sequential kept only .* other programs were taking the CPU/,
  );
  // A model is named only where its runs beat the others'; on a loaded machine they may overlap.
  // A CPU job whose sequential run could not keep a core busy ran on a busy machine: no model is named.
  const BUSY =
    'the computing job ran on a busy machine \\(sequential kept only [\\d.]+ cores busy\\), so it cannot say ' +
    'which model wins \\(try again on a quieter machine\\)';
  const verdict = (job: string, kind: string): string =>
    `(${kind} work wants \\w+|the ${job} job's runs overlap, so they cannot say which model wins \\(try more --runs on a quieter machine\\))`;
  assert.match(
    stdout,
    new RegExp(
      `^In short: ${verdict('waiting', 'waiting')}; (${verdict('computing', 'computing')}|${BUSY}); ` +
        "(work that does both wants [\\w ×]+|the mixed job's runs overlap, so they cannot say which model wins|the mixed job ran on a busy machine)",
      'm',
    ),
  );
  assert.match(stdout, new RegExp(`^Report: ${report.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  const html = readFileSync(report, 'utf8');
  assert.match(html, /^<!doctype html>/i);
  assert.ok(html.includes('I/O-bound: 80 downloads'));
  assert.ok(html.includes('Mixed: 80 downloads'));
  // The report ends its header with the terminal's In short line, word for word.
  const inShort = stdout.split('\n').find((line) => line.startsWith('In short: '));
  assert.ok(inShort !== undefined && html.includes(`<p class="conclusion">${escapeHtml(inShort)}</p>`));
});

test('demo --no-report writes no file; a bad flag is one line and exit 2', async () => {
  const { code, stderr } = await runCli(['demo', '--runs', '0'], { cwd: dir });
  assert.equal(code, 2);
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.match(stderr, /--runs/);
  const quick = await runCli(
    ['demo', '--seed-sizes', '--runs', '1', '--delay', '1', '--no-report', '--quiet'],
    {
      cwd: dir,
    },
  );
  assert.equal(quick.code, 0, quick.stderr);
  assert.ok(!quick.stdout.includes('Report:'));
  assert.ok(!existsSync(join(dir, 'fanout-demo-report.html')));
});
