import { existsSync } from 'node:fs';
import { WORKLOAD_NAMES, workloadUrl } from '../workloads/index.js';

/**
 * A command's <task>: a module path, or the name of a built-in workload (`download`,
 * `sum-of-squares`, `fetch-and-hash`) when no file of that name is in the way.
 */
export function resolveTaskArgument(argument: string): string {
  if ((WORKLOAD_NAMES as readonly string[]).includes(argument) && !existsSync(argument)) {
    return workloadUrl(argument).href;
  }
  return argument;
}

/** The help line of every command's <task>. */
export const TASK_ARGUMENT = `the task module (.js, .mjs or .ts), or a built-in workload: ${WORKLOAD_NAMES.join(', ')}`;
