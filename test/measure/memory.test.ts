import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { descendants, startRssSampler } from '../../src/measure/memory.js';

const onLinux = process.platform === 'linux';

test('the peak covers this process at least', () => {
  const sampler = startRssSampler();
  const ballast = Buffer.alloc(32 * 1024 * 1024, 1);
  sampler.sample();
  const { peak, method } = sampler.stop(0);
  assert.ok(ballast.length > 0);
  assert.ok(peak >= process.memoryUsage.rss() - 8 * 1024 * 1024);
  assert.equal(method, onLinux ? 'proc' : 'self+reported');
});

test('descendants finds a child process, and the peak counts its memory', { skip: !onLinux }, async () => {
  // The child reports when it is up and holds 64 MB, then waits for the word to exit.
  const code =
    "const b = Buffer.alloc(64 * 1024 * 1024, 1); process.send('ready'); process.on('message', () => process.exit(b.length > 0 ? 0 : 1));";
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await once(child, 'message');
    assert.ok(descendants(process.pid).includes(child.pid!));
    const sampler = startRssSampler();
    sampler.sample();
    const { peak } = sampler.stop(0);
    assert.ok(peak >= process.memoryUsage.rss() + 60 * 1024 * 1024, `peak ${peak} counts the child's 64 MB`);
  } finally {
    child.send('exit');
    await once(child, 'exit');
  }
});
