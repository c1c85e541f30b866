import type { ExecutorOptions } from '../core/options.js';

/**
 * The parts of the executor's options that say which task to run, shared by every probe; under `auto`
 * also the job's time-out, so that results the advisor keeps as the job's obey it.
 */
export type TaskRef = Pick<ExecutorOptions, 'task' | 'export' | 'taskOptions' | 'timeout'>;

/** `count` inputs taken from the start of `inputs`, round and round when there are fewer. */
export function cycle(inputs: readonly unknown[], count: number, from = 0): unknown[] {
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = inputs[(from + i) % inputs.length];
  return out;
}
