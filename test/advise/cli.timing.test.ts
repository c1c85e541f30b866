/**
 * `fanout advise` as a real child process, its verdicts parsed. Timing tier: a verdict hangs on the
 * times measured (the usage errors and the report are in cli.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Advice } from '../../src/advise/types.js';
import { fanout, fixture, inputsFile } from './cli-helpers.js';

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
  // NDJSON, the one input rule of every command: three lines, three inputs.
  const inputs = inputsFile('tiny.ndjson', [1, 2, 3]);
  const { code, stdout } = await fanout(['advise', fixture('tiny'), '--inputs', inputs, '--budget', '1']);
  assert.equal(code, 0);
  assert.match(stdout, /^Verdict: too small to be worth parallelising$/m);
  assert.match(stdout, /^Recommended: sequential$/m);
  assert.match(stdout, /Knuth/);
  assert.match(stdout, /^Projected wall time for all 3 inputs$/m);
  assert.match(stdout, /^ {2}sequential +\S+ m?s$/m);
});

test('--quiet prints the recommendation alone', async () => {
  const inputs = inputsFile('tiny.ndjson', [1, 2, 3, 4]);
  const { code, stdout } = await fanout(['advise', fixture('tiny'), '--inputs', inputs, '--quiet']);
  assert.equal(code, 0);
  assert.equal(stdout, 'too-small: sequential\n');
});
