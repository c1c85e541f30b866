/**
 * The built-in task modules: the seed's two jobs (download, sum-of-squares), the mixed job that both
 * waits and computes (fetch-and-hash), and the loopback server the HTTP jobs talk to.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OptionError } from '../core/errors.js';

/** File URLs of the built-in task modules, usable as `createExecutor({ task })` under every strategy. */
export const WORKLOADS = Object.freeze({
  download: new URL('./download.js', import.meta.url),
  'sum-of-squares': new URL('./sum-of-squares.js', import.meta.url),
  'fetch-and-hash': new URL('./fetch-and-hash.js', import.meta.url),
});

export type WorkloadName = keyof typeof WORKLOADS;

export const WORKLOAD_NAMES = Object.keys(WORKLOADS) as WorkloadName[];

/** The file URL of a built-in workload (a fresh copy: URLs are mutable). */
export function workloadUrl(name: string): URL {
  if (!Object.hasOwn(WORKLOADS, name)) {
    throw new OptionError(
      `Unknown workload ${JSON.stringify(name)} (built in: ${WORKLOAD_NAMES.join(', ')})`,
    );
  }
  return new URL(WORKLOADS[name as WorkloadName].href);
}

/**
 * The name of the built-in workload a task names (its file URL, or a path to that file), or undefined:
 * what reports show instead of a path inside fanout's own package.
 */
export function workloadName(task: string | URL): WorkloadName | undefined {
  let href: string;
  try {
    href =
      task instanceof URL ? task.href : task.startsWith('file:') ? task : pathToFileURL(resolve(task)).href;
  } catch {
    return undefined;
  }
  return WORKLOAD_NAMES.find((name) => WORKLOADS[name].href === href);
}

export { DEFAULT_HASH_ROUNDS } from './fetch-and-hash.js';
export { describeReach, formatAddress, isLoopback } from './listen.js';
export {
  DEFAULT_BODY_BYTES,
  FAULTS,
  type Fault,
  MAX_BODY_BYTES,
  MAX_DELAY_MS,
  QUERY_PARAMETERS,
} from './request-plan.js';
export { type FanoutServer, type ServerOptions, type ServerStats, startServer } from './server.js';
export { closedForm } from './sum-of-squares.js';
