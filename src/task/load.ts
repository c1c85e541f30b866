import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, isTaskLoadError, TaskLoadError } from '../core/errors.js';
import type { SetupContext, TaskFunction } from '../core/types.js';
import { taskLabel } from './label.js';

export interface LoadedTask {
  fn: TaskFunction;
  setup: ((context: SetupContext) => unknown) | undefined;
  teardown: ((state: unknown) => unknown) | undefined;
}

const TS_EXTENSION = /\.[mc]?ts$/;

// What only a `.ts` task or a failed load needs is imported then: every worker loads this file before
// its first task, and these two (with node:module, node:child_process) cost it several ms of CPU.
let tsLoader: Promise<typeof import('./ts-loader.js')> | undefined;

/** Stops what loading a `.ts` task started here (tsx's esbuild service), if it did; see ts-loader.ts. */
export async function releaseTaskLoader(): Promise<void> {
  if (tsLoader) await (await tsLoader).releaseTsLoader();
}

/** Fails early, with a clear message, when a task module's file does not exist. */
export function assertTaskExists(url: string): void {
  if (url.startsWith('file:') && !existsSync(fileURLToPath(url))) {
    throw new TaskLoadError(`task module not found: ${taskLabel(url)}`);
  }
}

async function importModule(url: string): Promise<Record<string, unknown>> {
  if (TS_EXTENSION.test(new URL(url).pathname)) {
    // Node's own type stripping where it has it; else tsx's scoped import, which works the same on
    // the main thread, in workers and in child processes (loader hooks do not reach workers on Node 20).
    tsLoader ??= import('./ts-loader.js');
    return (await tsLoader).importTs(url, taskLabel(url));
  }
  return (await import(url)) as Record<string, unknown>;
}

function pick(mod: Record<string, unknown>, name: string): unknown {
  if (name in mod) return mod[name];
  // A CommonJS task (or a .ts file read as CommonJS) puts its exports under `default`.
  const inner = mod.default;
  if (inner !== null && typeof inner === 'object' && name in inner)
    return (inner as Record<string, unknown>)[name];
  return undefined;
}

function optionalFunction<F>(mod: Record<string, unknown>, name: string, label: string): F | undefined {
  const value = pick(mod, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new TaskLoadError(`export \`${name}\` of ${label} must be a function, got \`${describe(value)}\``);
  }
  return value as F;
}

export async function loadTask(url: string, exportName: string): Promise<LoadedTask> {
  const label = taskLabel(url);
  assertTaskExists(url);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(url);
  } catch (error) {
    // Already one line naming the task and the cause (tsx missing); by its code, as ts-loader.js's
    // class is not the one a worker's joined copy of this file has.
    if (isTaskLoadError(error)) throw error;
    const { explainLoadFailure } = await import('./load-failure.js');
    const { where, reason } = explainLoadFailure(url, error);
    const at = where === undefined ? '' : `${where}: `;
    throw new TaskLoadError(`task module ${label} failed to load: ${at}${reason}`, error);
  }
  let fn = pick(mod, exportName);
  if (typeof fn === 'object' && fn !== null && exportName === 'default' && 'default' in fn) {
    fn = (fn as { default: unknown }).default;
  }
  if (fn === undefined) {
    const names = Object.keys(mod).join(', ') || 'nothing';
    throw new TaskLoadError(`task module ${label} has no export \`${exportName}\` (it exports: ${names})`);
  }
  if (typeof fn !== 'function') {
    throw new TaskLoadError(
      `export \`${exportName}\` of ${label} must be a function, got \`${describe(fn)}\``,
    );
  }
  return {
    fn: fn as TaskFunction,
    setup: optionalFunction(mod, 'setup', label),
    teardown: optionalFunction(mod, 'teardown', label),
  };
}
