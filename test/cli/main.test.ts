/** The command line as a whole: what bare `fanout` says, and built-in workloads under every command. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './run-cli.js';

test('bare fanout prints its help and exits 2, with nothing after the help', async () => {
  const { code, stdout, stderr } = await runCli([]);
  assert.equal(code, 2);
  assert.match(stdout + stderr, /Usage: fanout/);
  assert.doesNotMatch(stdout + stderr, /outputHelp/);
});

test('advise takes a built-in workload by name, as compare and run do', async () => {
  // One small input: too small to be worth parallelising, whatever the machine's load.
  const { code, stdout, stderr } = await runCli(['advise', 'sum-of-squares', '--inputs', '-', '--quiet'], {
    stdin: '1000\n',
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^too-small: sequential/);
});
