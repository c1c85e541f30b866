/**
 * The fixed cost of a worker: a one-worker executor created and timed until its first result, with
 * the user's own task (so loading the module and its `setup` in the worker are counted), less the
 * task's own mean time. Timed STARTUP_SAMPLES times, keeping the least: a busy machine only ever
 * slows a start-up down, and one slow sample must not decide that a job is too small.
 */
import { performance } from 'node:perf_hooks';
import { createExecutor } from '../executor/executor.js';
import type { SampleBank } from './bank.js';
import type { TaskRef } from './task-ref.js';

/** How many times a start-up is timed… */
export const STARTUP_SAMPLES = 2;
/** …under `auto`, where each timing costs the job a worker's start-up: once (the probes time it again). */
export const AUTO_STARTUP_SAMPLES = 1;

export async function measureStartup(
  ref: TaskRef,
  strategy: 'threads' | 'processes',
  input: unknown,
  taskMs: number,
  bank?: SampleBank,
): Promise<{ ms: number | null; error?: string }> {
  let best: number | null = null;
  const samples = bank ? AUTO_STARTUP_SAMPLES : STARTUP_SAMPLES;
  for (let i = 0; i < samples; i++) {
    // Under `auto`, a fresh input where there is one: its result is the job's.
    const drawn = bank?.draw(1, [input]);
    let result = await timeStartup(ref, strategy, drawn?.inputs[0] ?? input, taskMs);
    if (drawn && result.ms !== null) bank!.keep(drawn.fresh[0]!, result.value);
    // A fresh input may fail on its own account: only the known-good one's failure says the model cannot start.
    else if (drawn && drawn.fresh[0] !== -1) result = await timeStartup(ref, strategy, input, taskMs);
    if (result.ms === null) return result;
    best = best === null ? result.ms : Math.min(best, result.ms);
  }
  return { ms: best };
}

async function timeStartup(
  ref: TaskRef,
  strategy: 'threads' | 'processes',
  input: unknown,
  taskMs: number,
): Promise<{ ms: number | null; error?: string; value?: unknown }> {
  const start = performance.now();
  const executor = createExecutor({ ...ref, strategy, concurrency: 1 });
  try {
    const value = await executor.run(input);
    return { ms: Math.max(0, performance.now() - start - taskMs), value };
  } catch (error) {
    return { ms: null, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await executor.close();
  }
}
