/**
 * The fixed cost of a worker: a one-worker executor created and timed until its first result, with
 * the user's own task (so loading the module and its `setup` in the worker are counted), less the
 * task's own mean time.
 */
import { performance } from 'node:perf_hooks';
import { createExecutor } from '../executor.js';
import type { TaskRef } from './task-ref.js';

export async function measureStartup(
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
