import type { Command } from 'commander';
import { registerAdvise } from './advise.js';
import { registerCompare } from './compare.js';
import { registerDemo } from './demo.js';
import { registerRun } from './run.js';
import { registerServe } from './serve.js';
import { registerWorker } from './worker.js';

/** Every command, in the order `fanout --help` lists them. */
export function registerCommands(program: Command): void {
  registerDemo(program);
  registerCompare(program);
  registerAdvise(program);
  registerRun(program);
  registerServe(program);
  registerWorker(program);
}
