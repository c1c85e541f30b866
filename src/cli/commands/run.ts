/**
 * `fanout run`: the thin command over src/run. It parses flags, wires SIGINT/SIGTERM to stop and then
 * abort the run, shows progress on stderr, prints the summary, and picks the exit code.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type AdaptiveConcurrency,
  DEFAULT_SETUP_TIMEOUT_MS,
  DEFAULT_TEARDOWN_TIMEOUT_MS,
  type StrategyChoice,
} from '../../core/options.js';
import { renderRunReport } from '../../report/html/run-report.js';
import { formatPlural, formatSummary } from '../../report/run-lines.js';
import { createStyle } from '../../report/style.js';
import { countInputs } from '../../run/count.js';
import { FIFO_READER_WAIT_MS, SetupAbortedError } from '../../run/fifo.js';
import type { InputsCheck } from '../../run/fingerprint.js';
import { OutputLockedError } from '../../run/lock.js';
import { type RunHandle, type RunSummary, startRun } from '../../run/run.js';
import type { ConcurrencyItem } from '../configurations.js';
import { envCount } from '../env.js';
import { CliError, EXIT_LOCKED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, verboseStack } from '../errors.js';
import { readInputLines } from '../inputs.js';
import { addOptions, helpEnd, type OptionSpec } from '../option-kit.js';
import { INPUTS_RULE, OPTIONS, outputFile } from '../options.js';
import { type ProgressDisplay, startProgress } from '../progress/index.js';
import {
  parseRunConcurrency,
  parseRunInFlight,
  type RunLevel,
  runLevel,
  strategyFlag,
} from '../run-level.js';
import { parseCount } from '../strategy-options.js';
import { useColor } from '../style.js';
import { resolveTaskArgument, TASK_ARGUMENT } from '../task-arg.js';

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
  concurrency?: ConcurrencyItem[];
  /** With its default, 1. */
  inFlight: number | AdaptiveConcurrency;
  ordered?: boolean;
  timeout?: number;
  retries?: number;
  resume?: boolean;
  export: string;
  maxMemory?: number;
  setupTimeout?: number;
  teardownTimeout?: number;
  quiet?: boolean;
  report?: string;
  redis?: string;
  advisorBudget?: number;
}

const OUT: OptionSpec = {
  flags: '-o, --out <file|->',
  description: 'where result lines go; - writes stdout',
  required: true,
};
const ORDERED: OptionSpec = {
  flags: '--ordered',
  description: 'write results in input order (default: as they complete)',
};
const RETRIES: OptionSpec<number> = {
  flags: '--retries <n>',
  description: 'retry a failed input up to n times, with backoff',
  default: '0',
  parse: (text) => parseCount('--retries', text, 0),
};
const RESUME: OptionSpec = {
  flags: '--resume',
  description: 'continue --out: skip the inputs it records, append the rest',
};
const MAX_MEMORY: OptionSpec<number> = {
  flags: '--max-memory <MiB>',
  description: 'a V8 heap limit per worker (threads, processes), in MiB (1 MiB = 1,048,576 bytes)',
  parse: (text) => parseCount('--max-memory', text, 1),
};
const SETUP_TIMEOUT: OptionSpec<number> = {
  flags: '--setup-timeout <ms>',
  description: "how long a worker's setup may take before the run fails with a SetupError",
  default: String(DEFAULT_SETUP_TIMEOUT_MS),
  parse: (text) => parseCount('--setup-timeout', text, 1),
};
/** The shared --concurrency, compare's notation; under run a bare item may also be NxK or adaptive. */
const RUN_CONCURRENCY: OptionSpec<ConcurrencyItem[]> = {
  ...OPTIONS.concurrency,
  description: `${OPTIONS.concurrency.description}; run uses the value for its --strategy, and also takes a bare 2x16, or --concurrency adaptive (adaptive:MIN-MAX) under async`,
  parse: parseRunConcurrency,
};
/** The shared --in-flight, which under run also takes `adaptive[:MIN-MAX]` (threads and processes). */
const RUN_IN_FLIGHT: OptionSpec<number | AdaptiveConcurrency> = {
  ...OPTIONS.inFlight,
  description: `${OPTIONS.inFlight.description}; adaptive or adaptive:MIN-MAX moves it while the job runs (docs/adaptive.md)`,
  parse: parseRunInFlight,
};
const REPORT: OptionSpec<string> = {
  flags: '--report <file.html>',
  description:
    'write a self-contained HTML page of the run: its summary, and under an adaptive limit the limit over time beside throughput and latency',
  parse: outputFile('--report'),
};
const TEARDOWN_TIMEOUT: OptionSpec<number> = {
  flags: '--teardown-timeout <ms>',
  description: 'how long teardown may take at the end before it is cut short',
  default: String(DEFAULT_TEARDOWN_TIMEOUT_MS),
  parse: (text) => parseCount('--teardown-timeout', text, 1),
};

const EXAMPLES = helpEnd(
  `Inputs are ${INPUTS_RULE}.
The default, --strategy auto, measures the first inputs (their results count; some may run more than
once) and picks the strategy: name one for a task that is not safe to repeat. Input that trickles in
through stdin waits at most a second for auto's sample (docs/run.md, the default).
Exit codes: 0 all ok, 1 some inputs failed, 2 usage or setup error, 3 --out in use by another run,
130/143 stopped by SIGINT/SIGTERM. See docs/run.md for the output, --resume, signals and limits.`,
  [
    'fanout run ./task.js --inputs inputs.ndjson --out results.ndjson',
    'fanout run ./task.js -i inputs.ndjson -o results.ndjson --strategy threads -c 4',
    'fanout run download -i urls.ndjson -o sizes.ndjson --strategy async --concurrency adaptive',
    'fanout run ./task.js -i urls.ndjson -o results.ndjson --strategy threads -c 2 --in-flight adaptive:1-64',
    'fanout run ./task.js -i inputs.ndjson -o results.ndjson --advisor-budget 1',
    'fanout run ./task.js -i urls.ndjson -o results.ndjson --strategy async -c 64 --timeout 5000 --retries 2',
    'fanout run ./task.js -i inputs.ndjson -o results.ndjson --resume',
    'seq 1 100 | fanout run sum-of-squares --inputs - --out - --ordered -q',
  ],
);

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .summary('run the real job: one result line per input, resumable')
    .description('Run the real job: one NDJSON result line per input, errors recorded per input, resumable.')
    .argument('<task>', TASK_ARGUMENT);
  addOptions(
    command,
    OPTIONS.inputs,
    OUT,
    OPTIONS.strategy,
    RUN_CONCURRENCY,
    RUN_IN_FLIGHT,
    OPTIONS.advisorBudget,
    ORDERED,
    OPTIONS.timeout,
    RETRIES,
    RESUME,
    OPTIONS.export,
    MAX_MEMORY,
    SETUP_TIMEOUT,
    TEARDOWN_TIMEOUT,
    OPTIONS.redis,
    REPORT,
    OPTIONS.quiet,
  );
  command.addHelpText('after', EXAMPLES).action(async (task: string, flags: RunFlags, self: Command) => {
    const byDefault = self.getOptionValueSource('strategy') === 'default';
    checkStrategyOptions(flags, byDefault);
    const level = runLevel({
      strategy: flags.strategy,
      byDefault,
      concurrency: flags.concurrency,
      inFlight: flags.inFlight,
      inFlightGiven: self.getOptionValueSource('inFlight') === 'cli',
    });
    process.exitCode = await runCommand(task, flags, level, self.optsWithGlobals().verbose === true);
  });
}

/** Options that only one strategy takes, refused in one line under the others. */
function checkStrategyOptions(flags: RunFlags, byDefault: boolean): void {
  const strategy = strategyFlag(flags.strategy, byDefault);
  if (flags.advisorBudget !== undefined && flags.strategy !== 'auto') {
    throw new CliError(`--advisor-budget is for --strategy auto only, not ${strategy}`);
  }
  if (flags.redis !== undefined && flags.strategy !== 'distributed') {
    throw new CliError(`--redis is for --strategy distributed only, not ${strategy}`);
  }
}

async function runCommand(task: string, flags: RunFlags, level: RunLevel, verbose: boolean): Promise<number> {
  if (flags.inputs !== '-' && !existsSync(flags.inputs))
    throw new CliError(`inputs file not found: ${flags.inputs}`);
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
      concurrency: level.concurrency,
      inFlight: level.inFlight,
      ordered: flags.ordered,
      timeout: flags.timeout,
      retries: flags.retries,
      resume: flags.resume,
      inputsFile: flags.inputs,
      export: flags.export,
      maxMemoryMb: flags.maxMemory,
      setupTimeout: flags.setupTimeout,
      teardownTimeout: flags.teardownTimeout,
      connection: flags.redis,
      ...(total === undefined ? {} : { total }),
      ...(flags.advisorBudget === undefined ? {} : { advisorBudget: flags.advisorBudget }),
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
  if (summary.fatal !== undefined) {
    process.stderr.write(`${style.red('fanout:')} ${summary.fatal.message}\n`);
    if (verbose) process.stderr.write(`${verboseStack(summary.fatal)}\n`);
  }
  // A run that failed before recording anything has nothing to sum up beyond its one error line.
  const recorded = summary.ok + summary.failed + summary.aborted;
  if (summary.fatal === undefined || recorded > 0) {
    for (const line of formatSummary(summary, flags.out === '-' ? 'stdout' : flags.out)) say(line);
  }
  if (flags.report !== undefined) {
    const page = renderRunReport(summary, {
      task,
      out: flags.out === '-' ? 'stdout' : flags.out,
      generatedAt: new Date().toISOString(),
    });
    try {
      writeFileSync(flags.report, page, 'utf8');
      say(`report → ${flags.report}`);
    } catch (error) {
      process.stderr.write(
        `${style.red('fanout:')} --report: cannot write ${flags.report}: ${(error as Error).message}\n`,
      );
      return EXIT_USAGE;
    }
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
