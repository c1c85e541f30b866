/** Exit codes of the CLI: documented in the README. */
export const EXIT_OK = 0;
/** The job ran, but some inputs failed. */
export const EXIT_SOME_FAILED = 1;
/** Bad usage, a bad option or file, or a setup that failed: nothing (or not everything) could run. */
export const EXIT_USAGE = 2;
/** `fanout run`: another run holds the output file (its lock names it); try again once it has ended. */
export const EXIT_LOCKED = 3;

/** An error the CLI reports as one line and an exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = EXIT_USAGE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
