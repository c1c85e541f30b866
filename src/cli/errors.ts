import { FanoutError } from '../core/errors.js';
import { userFrames } from '../task/load-failure.js';

/** Exit codes of the CLI: documented in the README. */
export const EXIT_OK = 0;
/** The job ran, but some inputs failed. */
export const EXIT_SOME_FAILED = 1;
/** Bad usage, a bad option or file, or a setup that failed: nothing (or not everything) could run. */
export const EXIT_USAGE = 2;
/** `fanout run`: another run holds the output file (its lock names it); try again once it has ended. */
export const EXIT_LOCKED = 3;
/** Whoever read our stdout went away (`fanout serve --help | head`): 128 + SIGPIPE, as `yes | head` ends. */
export const EXIT_BROKEN_PIPE = 141;

/** An error the CLI reports as one line and an exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = EXIT_USAGE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** fanout's own errors, also when rebuilt from a worker's message (then only their name is ours). */
const FANOUT_ERROR_NAMES = new Set(['TaskLoadError', 'SetupError', 'TaskError', 'WorkerDiedError']);
const isFanouts = (error: Error): boolean =>
  error instanceof FanoutError || FANOUT_ERROR_NAMES.has(error.name);

/**
 * What `--verbose` adds to an error's line: the user's stack, not fanout's. For an error fanout raised
 * about the user's code (a task that failed to load, a setup that threw), that is its cause's stack
 * with Node's, fanout's and the TypeScript loader's frames left out; for any other error, its own.
 */
export function verboseStack(error: Error): string {
  let inner: unknown = error;
  while (inner instanceof Error && isFanouts(inner) && inner.cause instanceof Error) inner = inner.cause;
  if (inner === error || !(inner instanceof Error)) return error.stack ?? '';
  const stack = inner.stack ?? `${inner.name}: ${inner.message}`;
  const frames = new Set(userFrames(stack));
  return stack
    .split('\n')
    .filter((line) => !/^\s+at /.test(line) || frames.has(line))
    .join('\n');
}
