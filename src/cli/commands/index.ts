import type { Command } from 'commander';
import { registerRun } from './run.js';

/** Every command, in the order `fanout --help` lists them. */
export function registerCommands(program: Command): void {
  registerRun(program);
}
