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

test('a reader that closes early ends fanout quietly with 141, as yes | head does, not with a stack', async () => {
  const { spawn } = await import('node:child_process');
  const { MAIN } = await import('./run-cli.js');
  const child = spawn(process.execPath, [MAIN, 'compare', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // our end of the pipe is gone before fanout writes its help
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
  assert.equal(code, 141);
});
