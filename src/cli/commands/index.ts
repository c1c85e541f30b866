import type { Command } from 'commander';
import { registerAdvise } from './advise.js';

/** Every command, in the order `fanout --help` lists them. */
export function registerCommands(program: Command): void {
  registerAdvise(program);
}
