/**
 * threadCpuMs: the calling thread's CPU time alone (Linux), so that worker threads busy beside the
 * event loop never read as its work; elsewhere, the process's.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { cpuMs, threadCpuMs } from '../../src/core/clock.js';

test('threadCpuMs never goes backwards', () => {
  let last = threadCpuMs();
  assert.ok(last >= 0);
  for (let i = 0; i < 1000; i++) {
    const next = threadCpuMs();
    assert.ok(next >= last, `${next} after ${last}`);
    last = next;
  }
});

test("threadCpuMs leaves out a worker thread's CPU, which process.cpuUsage counts", async (t) => {
  if (!existsSync('/proc/thread-self/schedstat')) return t.skip('no per-thread account here');
  // The worker spins until told to stop; this thread waits on the lock without computing.
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData: flag } = require('node:worker_threads');
     Atomics.store(flag, 1, 1); Atomics.notify(flag, 1);
     while (Atomics.load(flag, 0) === 0) {}`,
    { eval: true, workerData: flag },
  );
  try {
    Atomics.wait(flag, 1, 0, 10_000);
    const thread0 = threadCpuMs();
    const process0 = cpuMs(process.cpuUsage());
    Atomics.wait(flag, 1, 1, 200); // 200 ms blocked: this thread is off the CPU, the worker on it
    const threadSpent = threadCpuMs() - thread0;
    const processSpent = cpuMs(process.cpuUsage()) - process0;
    assert.ok(threadSpent < processSpent, `thread ${threadSpent} ms, process ${processSpent} ms`);
  } finally {
    Atomics.store(flag, 0, 1);
    await worker.terminate();
  }
});
