#!/usr/bin/env node
/**
 * The CLI entry: the only place that reads argv, writes to the terminal and exits.
 * Each command lives in src/cli/commands/ and registers itself on the program.
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { FanoutError } from '../core/errors.js';
import { createStyle } from '../report/style.js';
import { registerCommands } from './commands/index.js';
import { CliError, EXIT_BROKEN_PIPE, EXIT_USAGE, verboseStack } from './errors.js';
import { checkOptions, FanoutCommand } from './option-kit.js';
import { useColor } from './style.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export async function main(argv: string[]): Promise<number> {
  const program = new FanoutCommand('fanout')
    .description(
      'Run your task sequentially, on the event loop, on worker threads and in child processes; ' +
        'measure each, get a recommendation, and run the real job with it.',
    )
    .version(pkg.version, '-V, --version')
    .option('--verbose', 'print stacks with errors')
    .exitOverride()
    // After commander has refused unknown options, before any action: every option's value checked.
    .hook('preAction', (_program, command) =>
      checkOptions(command, (line) => process.stderr.write(`fanout: ${line}\n`)),
    );
  program.configureOutput({ outputError: () => {} });
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // The command the line named, for "see fanout compare --help" (commander's errors do not say).
    const command = program.commands.find((c) => argv.slice(2).includes(c.name()));
    return report(error, argv.includes('--verbose'), command ? `fanout ${command.name()}` : 'fanout');
  }
}

function report(error: unknown, verbose: boolean, where: string): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0; // --help, --version
    // Bare `fanout`: commander has printed the help already; its "(outputHelp)" says nothing more.
    if (error.code === 'commander.help') return EXIT_USAGE;
    // One line: commander puts its "(Did you mean …?)" on a line of its own.
    const message = error.message
      .replace(/^error: /, '')
      .replace(/\s*\n\(Did you mean (.+?)\?\)/, ' (did you mean $1?)');
    process.stderr.write(`fanout: ${message} (see ${where} --help)\n`);
    return EXIT_USAGE;
  }
  const style = createStyle(useColor(process.stderr));
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${style.red('fanout:')} ${message}\n`);
  if (verbose && error instanceof Error) process.stderr.write(`${verboseStack(error)}\n`);
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof FanoutError) return EXIT_USAGE;
  return EXIT_USAGE;
}

// A reader that stops early (`fanout compare --help | head`) is not an error of ours: end quietly as
// `yes | head` does, instead of a stack. A command that writes results to stdout (`run -o -`) listens
// itself and says in one line that its output could not be written; this stands back then.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (process.stdout.listenerCount('error') > 1) return;
  if (error.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
  throw error;
});

process.exitCode = await main(process.argv);
