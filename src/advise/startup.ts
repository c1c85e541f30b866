/**
 * The fixed cost of a worker: a one-worker executor created and timed until its first result, with
 * the user's own task (so loading the module and its `setup` in the worker are counted), less the
 * task's own mean time. Timed STARTUP_SAMPLES times, keeping the least: a busy machine only ever
 * slows a start-up down, and one slow sample must not decide that a job is too small.
 */
import { performance } from 'node:perf_hooks';
import { createExecutor } from '../executor/executor.js';
import type { TaskRef } from './task-ref.js';

/** How many times a start-up is timed. */
export const STARTUP_SAMPLES = 2;

export async function measureStartup(
  ref: TaskRef,
  strategy: 'threads' | 'processes',
  input: unknown,
  taskMs: number,
): Promise<{ ms: number | null; error?: string }> {
  let best: number | null = null;
  for (let i = 0; i < STARTUP_SAMPLES; i++) {
    const result = await timeStartup(ref, strategy, input, taskMs);
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
): Promise<{ ms: number | null; error?: string }> {
  const start = performance.now();
  const executor = createExecutor({ ...ref, strategy, concurrency: 1 });
  try {
    await executor.run(input);
    return { ms: Math.max(0, performance.now() - start - taskMs) };
  } catch (error) {
    return { ms: null, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await executor.close();
  }
}
