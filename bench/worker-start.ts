/**
 * The least a worker thread's start-up costs on this machine: what `WORKER_START_FLOOR_MS`
 * (src/advise/thresholds.ts) rests on. Each run is a fresh process that times, as the advisor's
 * `measureStartup` does, a one-worker `threads` executor from `createExecutor` to its first result on
 * a no-op task (so nothing of a user's task or `setup` is in it). A loaded machine only ever slows a
 * start-up down: the least of the runs is the floor.
 *
 *   npm run build && node dist/bench/worker-start.js [--runs 20]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WORKER_START_FLOOR_MS } from '../src/advise/thresholds.js';
import { createExecutor } from '../src/index.js';
import { runChild } from './child.js';
import { describeMachine, machineLine } from './machine.js';
import { summarize } from './stats.js';

const SELF = fileURLToPath(import.meta.url);
const NOOP = new URL('../../test/fixtures/noop.mjs', import.meta.url);

async function measure(): Promise<{ ms: number }> {
  const start = performance.now();
  const executor = createExecutor({ task: NOOP, strategy: 'threads', concurrency: 1 });
  try {
    await executor.run(1);
    return { ms: performance.now() - start };
  } finally {
    await executor.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { child: { type: 'boolean', default: false }, runs: { type: 'string', default: '20' } },
  });
  if (values.child) {
    process.stdout.write(`${JSON.stringify(await measure())}\n`);
    return;
  }
  const runs = Number(values.runs);
  const loadBefore = loadavg()[0]!;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await runChild<{ ms: number }>(process.execPath, [SELF, '--child']);
    if (!result.ok) throw new Error(`run ${i + 1} failed: ${result.error}`);
    times.push(result.value!.ms);
  }
  const s = summarize(times);
  process.stdout.write(
    `${machineLine(describeMachine())}; load ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after\n` +
      `a one-worker threads executor, createExecutor to its first result on a no-op task, ${runs} fresh processes:\n` +
      `least ${s.min.toFixed(1)} ms, median ${s.median.toFixed(1)} ms, most ${s.max.toFixed(1)} ms ` +
      `(WORKER_START_FLOOR_MS = ${WORKER_START_FLOOR_MS})\n`,
  );
}

await main();
