import type { Command } from 'commander';

/** Every command, in the order `fanout --help` lists them. */
export function registerCommands(_program: Command): void {}
