/**
 * `fanout run`: the thin command over src/run. It parses flags, wires SIGINT/SIGTERM to stop and then
 * abort the run, shows progress on stderr, prints the summary, and picks the exit code.
 */
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { OptionError } from '../../core/errors.js';
import {
  type AdaptiveConcurrency,
  DEFAULT_SETUP_TIMEOUT_MS,
  DEFAULT_STRATEGY,
  DEFAULT_TEARDOWN_TIMEOUT_MS,
  parseAdaptive,
  STRATEGY_CHOICES,
  type StrategyChoice,
} from '../../core/options.js';
import { formatPlural, formatSummary } from '../../report/run-lines.js';
import { createStyle } from '../../report/style.js';
import { countInputs } from '../../run/count.js';
import { FIFO_READER_WAIT_MS, SetupAbortedError } from '../../run/fifo.js';
import type { InputsCheck } from '../../run/fingerprint.js';
import { OutputLockedError } from '../../run/lock.js';
import { type RunHandle, type RunSummary, startRun } from '../../run/run.js';
import { envCount } from '../env.js';
import { CliError, EXIT_LOCKED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE } from '../errors.js';
import { readInputLines } from '../inputs.js';
import { type ProgressDisplay, startProgress } from '../progress/index.js';
import { parseCount } from '../strategy-options.js';
import { useColor } from '../style.js';
import { resolveTaskArgument } from '../task-arg.js';

/** Exit codes of a run a signal stopped: 128 + the signal's number, as shells report it. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** Overrides FIFO_READER_WAIT_MS, in ms (documented in docs/run.md; the tests shorten it). */
const FIFO_WAIT_ENV = 'FANOUT_FIFO_WAIT_MS';
/** The longest FIFO wait the environment may ask for: an hour. */
const MAX_FIFO_WAIT_MS = 3_600_000;
/** Why --resume could not check that the inputs are the ones the output was made from. */
const UNCHECKED: Partial<Record<InputsCheck, string>> = {
  'not-a-file': ' (inputs not checked: they are not a file, now or when the output was made)',
  'no-record': ' (inputs not checked: the output has no record of them; recorded now)',
};

interface RunFlags {
  inputs: string;
  out: string;
  strategy: StrategyChoice;
  concurrency?: number | AdaptiveConcurrency;
  ordered?: boolean;
  timeout?: number;
  retries?: number;
  resume?: boolean;
  export?: string;
  maxMemory?: number;
  setupTimeout?: number;
  teardownTimeout?: number;
  quiet?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'Run the real job: one NDJSON result line per input, errors recorded per input, resumable.\n' +
        'Exit code: 0 all ok, 1 some inputs failed, 2 usage or setup error, 3 --out in use by another run,\n' +
        '130/143 stopped by SIGINT/SIGTERM.',
    )
    .argument(
      '<task>',
      'the task module (.js, .mjs or .ts), or a built-in workload: download, sum-of-squares',
    )
    .requiredOption('--inputs <file|->', 'NDJSON inputs, one JSON value per line ("-": stdin)')
    .requiredOption('--out <file|->', 'where result lines go ("-": stdout)')
    .addOption(
      new Option('--strategy <name>', 'how to run the tasks')
        .choices(STRATEGY_CHOICES)
        .default(DEFAULT_STRATEGY),
    )
    .option(
      '--concurrency <n|adaptive[:MIN-MAX]>',
      'tasks in flight (default: the strategy’s); adaptive (async): a limit that follows the latency',
      parseRunConcurrency,
    )
    .option('--ordered', 'write results in input order (default: as they complete)')
    .option('--timeout <ms>', 'a time-out per attempt, in ms', (text) => parseCount('--timeout', text, 1))
    .option('--retries <n>', 'retry a failed input up to n times, with backoff (default: 0)', (text) =>
      parseCount('--retries', text, 0),
    )
    .option('--resume', 'continue --out: skip the inputs it records, append the rest')
    .option('--export <name>', 'the export of the task module to call (default: default)')
    .option('--max-memory <mb>', 'a memory limit per worker, in MB', (text) =>
      parseCount('--max-memory', text, 1),
    )
    .option(
      '--setup-timeout <ms>',
      `how long a worker's setup may take before the run fails with a SetupError (default: ${DEFAULT_SETUP_TIMEOUT_MS})`,
      (text) => parseCount('--setup-timeout', text, 1),
    )
    .option(
      '--teardown-timeout <ms>',
      `how long teardown may take at the end before it is cut short (default: ${DEFAULT_TEARDOWN_TIMEOUT_MS})`,
      (text) => parseCount('--teardown-timeout', text, 1),
    )
    .option('--quiet', 'no progress and no summary on stderr (errors still)')
    .action(async (task: string, flags: RunFlags) => {
      process.exitCode = await runCommand(task, flags);
    });
}

/** `8`, `adaptive` or `adaptive:4-256`. */
function parseRunConcurrency(text: string): number | AdaptiveConcurrency {
  if (!text.trim().startsWith('adaptive')) return parseCount('--concurrency', text, 1);
  let bounds: ReturnType<typeof parseAdaptive>;
  try {
    bounds = parseAdaptive(text);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
  }
  if (bounds !== undefined) return text.trim() as AdaptiveConcurrency;
  throw new CliError(
    `--concurrency: expected a whole number, adaptive, or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got \`${text}\``,
  );
}

async function runCommand(task: string, flags: RunFlags): Promise<number> {
  if (flags.inputs !== '-' && !existsSync(flags.inputs))
    throw new CliError(`inputs file not found: ${flags.inputs}`);
  if (flags.out !== '-' && flags.out === flags.inputs)
    throw new CliError('--out must not be the --inputs file');
  if (flags.out === '-' && flags.resume) throw new CliError('--resume needs --out to be a file, not stdout');
  const label = 'fanout run';
  const say = (text: string): void => {
    if (!flags.quiet) process.stderr.write(`${label}: ${text}\n`);
  };
  let display: ProgressDisplay | undefined;
  let total: number | undefined;
  let handle: RunHandle | undefined;
  const showProgress = (): void => {
    const run = handle;
    if (flags.quiet || run === undefined) return;
    display = startProgress(() => run.progress(), { stream: process.stderr, total, label });
  };
  // Watch signals from the start: one during the set-up (a long --resume scan) stops the run at once;
  // one while it waits for a FIFO's reader ends the wait.
  const setup = new AbortController();
  const signals = watchSignals(
    (text) => {
      display?.stop();
      say(text);
      showProgress();
    },
    () => setup.abort(),
  );
  try {
    total = await countInputs(flags.inputs);
    handle = await startRun({
      task: resolveTaskArgument(task),
      inputs: readInputLines(flags.inputs),
      out: flags.out === '-' ? process.stdout : flags.out,
      strategy: flags.strategy,
      concurrency: flags.concurrency,
      ordered: flags.ordered,
      timeout: flags.timeout,
      retries: flags.retries,
      resume: flags.resume,
      inputsFile: flags.inputs,
      export: flags.export,
      maxMemoryMb: flags.maxMemory,
      setupTimeout: flags.setupTimeout,
      teardownTimeout: flags.teardownTimeout,
      fifoWaitMs: envCount(FIFO_WAIT_ENV, FIFO_READER_WAIT_MS, 0, MAX_FIFO_WAIT_MS),
      onFifoWait: () => say(`waiting for a process to open the FIFO ${flags.out} for reading`),
      signal: setup.signal,
    });
  } catch (error) {
    signals.dispose();
    const signal = signals.name();
    if (error instanceof SetupAbortedError && signal !== undefined) {
      say(`${signal}: ${error.message}`);
      return SIGNAL_EXIT[signal] ?? EXIT_SOME_FAILED;
    }
    throw error instanceof OutputLockedError ? new CliError(error.message, EXIT_LOCKED) : error;
  }
  if (handle.prior)
    say(
      `resuming ${flags.out}: ${formatPlural(handle.prior.ok + handle.prior.failed, 'input')} already recorded${UNCHECKED[handle.prior.inputs] ?? ''}`,
    );
  showProgress();
  signals.attach(handle);
  const summary = await handle.result;
  display?.stop();
  signals.dispose();
  const style = createStyle(useColor(process.stderr));
  if (summary.fatal !== undefined) process.stderr.write(`${style.red('fanout:')} ${summary.fatal.message}\n`);
  // A run that failed before recording anything has nothing to sum up beyond its one error line.
  const recorded = summary.ok + summary.failed + summary.aborted;
  if (summary.fatal === undefined || recorded > 0) {
    for (const line of formatSummary(summary, flags.out === '-' ? 'stdout' : flags.out)) say(line);
  }
  const code = exitCode(summary, signals.name());
  // A stopped run may leave stdin open, or (after an abort) workers busy with tasks that ignored it.
  if (summary.stoppedBy !== undefined) process.exit(code);
  return code;
}

function exitCode(summary: RunSummary, signal: string | undefined): number {
  if (summary.fatal !== undefined) return EXIT_USAGE;
  if (summary.stoppedBy !== undefined && signal !== undefined) return SIGNAL_EXIT[signal] ?? EXIT_SOME_FAILED;
  const priorFailed = summary.prior?.failed ?? 0;
  return summary.failed + summary.aborted + priorFailed > 0 ? EXIT_SOME_FAILED : EXIT_OK;
}

/**
 * The first SIGINT/SIGTERM stops the run, the second aborts what is in flight, a third exits at once.
 * Signals that come before the run exists (during its set-up) are applied as soon as it does; `early`
 * hears of them at once (it ends a wait for a FIFO's reader).
 */
function watchSignals(
  tell: (text: string) => void,
  early: () => void,
): {
  attach(handle: RunHandle): void;
  name(): string | undefined;
  dispose(): void;
} {
  let first: string | undefined;
  let count = 0;
  let handle: RunHandle | undefined;
  const apply = (signal: string, nth: number): void => {
    if (handle === undefined) return;
    if (nth === 1) {
      handle.stop(signal);
      const inFlight = handle.progress().inFlight;
      tell(
        `${signal}: stopping; letting ${formatPlural(inFlight, 'in-flight input')} finish (${signal} again to abort them)`,
      );
    } else if (nth === 2) {
      handle.abort(`a second ${signal}`);
      tell(`${signal} again: aborting the inputs in flight`);
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    count++;
    first ??= signal;
    if (count > 2) process.exit(SIGNAL_EXIT[first] ?? EXIT_SOME_FAILED);
    if (handle === undefined) early();
    apply(signal, count);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    attach: (run) => {
      handle = run;
      for (let nth = 1; nth <= count; nth++) apply(first!, nth);
    },
    name: () => first,
    dispose: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}
