import type { ExecutorOptions } from '../core/options.js';

/** The parts of the executor's options that say which task to run, shared by every probe. */
export type TaskRef = Pick<ExecutorOptions, 'task' | 'export' | 'taskOptions'>;

/** `count` inputs taken from the start of `inputs`, round and round when there are fewer. */
export function cycle(inputs: readonly unknown[], count: number, from = 0): unknown[] {
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = inputs[(from + i) % inputs.length];
  return out;
}
