/**
 * `startRun`: the production job as a library call. It checks the options, reads an existing output
 * for --resume, and runs a Job from the inputs to the output. The CLI adds signals and progress.
 */
import { statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Verdict } from '../advise/types.js';
import { createExecutor, type Executor } from '../auto/executor.js';
import { OptionError } from '../core/errors.js';
import {
  type AdaptiveConcurrency,
  DEFAULT_RUN_STRATEGY,
  expectNonNegativeInteger,
  type StrategyChoice,
} from '../core/options.js';
import type { LimitBucket, LimitPoint } from '../core/types.js';
import { DoneSet } from './done-set.js';
import { openFifo } from './fifo.js';
import { checkInputs, fingerprintInputs, type InputsCheck, recordPath, writeRecord } from './fingerprint.js';
import { type InputRecord, Job, type JobProgress, type JobResult } from './job.js';
import { acquireOutputLock, type OutputLock } from './lock.js';
import { assertNotInputs, type OutTarget, resolveOut } from './out-path.js';
import { inspectOutput, type OutputState } from './resume.js';
import { createSink, type LineSink, type SinkErrorHandler } from './sink.js';
import { sweepTemps } from './temp.js';

export interface StartRunOptions {
  /** The task module: a path, a `file:` URL string or a URL. */
  task: string | URL;
  /** The inputs, one record per non-blank line: see `readInputLines`. Input index = position here. */
  inputs: AsyncIterable<InputRecord>;
  /** Where result lines go: a file path, or a stream (which is never ended). --resume needs a path. */
  out: string | Writable;
  /** @default 'auto': the advisor samples the first inputs and picks (DEFAULT_RUN_STRATEGY) */
  strategy?: StrategyChoice;
  /**
   * Tasks in flight, or `'adaptive'` / `'adaptive:MIN-MAX'` (async) for a limit that follows the
   * latency it measures (docs/adaptive.md).
   * @default the strategy's default
   */
  concurrency?: number | AdaptiveConcurrency;
  /**
   * Write results in input order (a bounded reorder window) instead of completion order.
   * @default false
   */
  ordered?: boolean;
  /** A time-out per attempt, in ms. Off by default. */
  timeout?: number;
  /**
   * Extra attempts for an input that failed, with exponential backoff.
   * @default 0
   */
  retries?: number;
  /**
   * Continue an existing output file: skip the inputs it records, append the rest.
   * @default false
   */
  resume?: boolean;
  /**
   * The file the inputs are read from ('-': stdin). Its fingerprint is recorded beside an output file
   * (`<out>.fanout.json`), and `resume` refuses to continue an output made from other inputs. Without
   * it (or with stdin), nothing is checked. An `out` that is this file under another name (a symlink,
   * a hard link, or the file stdin is redirected from) is refused.
   */
  inputsFile?: string;
  /** @default 'default' */
  export?: string;
  /** A FIFO `out`: how long to wait for a process to open it for reading, in ms. @default FIFO_READER_WAIT_MS */
  fifoWaitMs?: number;
  /** A FIFO `out`: called when the wait for its reader begins (none was there at first). */
  onFifoWait?: () => void;
  /** Ends the set-up early (the wait for a FIFO's reader): `startRun` then rejects with SetupAbortedError. */
  signal?: AbortSignal;
  /** A V8 heap limit per worker, in MiB (threads and processes). */
  maxMemoryMb?: number;
  /**
   * Tasks in flight per worker (threads and processes): the hybrid model when above 1; `'adaptive'`
   * or `'adaptive:MIN-MAX'` moves it while the job runs (docs/adaptive.md).
   */
  inFlight?: number | AdaptiveConcurrency;
  /** See the executor's `setupTimeout`. */
  setupTimeout?: number;
  /** See the executor's `teardownTimeout`. */
  teardownTimeout?: number;
  /** `distributed`: the Redis URL (see the executor's `connection`). */
  connection?: string;
  /**
   * How many inputs there are, when known (`fanout run` counts the lines of an inputs file): under
   * `auto`, the advisor weighs what probing could save against the job's size.
   */
  total?: number;
  /** Under `auto`: about how long the advisor may spend choosing, in ms. @default AUTO_BUDGET_MS */
  advisorBudget?: number;
}

export interface RunSummary extends JobResult {
  strategy: string;
  /** The limit of tasks in flight; under `adaptive`, the one it started from. */
  concurrency: number;
  inFlight: number;
  /**
   * Under `concurrency: 'adaptive'` or `inFlight: 'adaptive'`: its bounds, the lowest and highest it
   * went, and its history; `perWorker` when it counts the tasks in flight per worker.
   */
  adaptive:
    | {
        bounds: { min: number; max: number };
        range: { min: number; max: number };
        history: LimitPoint[];
        /** The run in stretches: the limit beside throughput and latency (what the summary and --report draw). */
        series: LimitBucket[];
        perWorker: boolean;
      }
    | undefined;
  /** Under `--strategy auto`: why the advisor chose the strategy and concurrency it did. */
  reasons: string[] | undefined;
  /** Under `--strategy auto`: how long choosing took, and how many of its results were the job's. */
  advice?: { costMs: number; kept: number } | undefined;
  elapsedMs: number;
  /** Whether --resume can continue this output: a regular file, not stdout, a FIFO or a device. */
  resumable: boolean;
  /** What the output file held before this run (--resume). */
  prior:
    | (Pick<OutputState, 'ok' | 'failed' | 'tornBytes' | 'abortedRemoved' | 'duplicates'> & {
        /** How the inputs were checked against the ones the output was made from. */
        inputs: InputsCheck;
      })
    | undefined;
}

export interface RunHandle {
  readonly strategy: string;
  readonly concurrency: number;
  /** What the output held before (--resume), known once the handle exists. */
  readonly prior: RunSummary['prior'];
  /** Stop reading: in-flight inputs finish and are recorded. */
  stop(reason: string): void;
  /**
   * Record every in-flight input as aborted now and finish. The executor is not waited for:
   * tasks that ignore this keep their worker busy until the process exits.
   */
  abort(reason: string): void;
  progress(): JobProgress;
  readonly result: Promise<RunSummary>;
}

/** A fresh run refuses to write over results: those may be hours of work. */
function assertFreshOutput(target: OutTarget): void {
  if (target.kind !== 'file' || statSync(target.real).size === 0) return;
  throw new OptionError(
    `${target.given} already holds results: pass --resume to continue it, or remove it to start over`,
  );
}

async function readPrior(target: OutTarget | undefined, resume: boolean): Promise<OutputState | undefined> {
  if (!resume) {
    if (target !== undefined) assertFreshOutput(target);
    return undefined;
  }
  if (target === undefined) throw new OptionError('--resume needs --out to be a file, not stdout');
  if (target.kind === 'fifo' || target.kind === 'device') {
    const what = target.kind === 'fifo' ? 'a FIFO' : 'a device';
    throw new OptionError(`--resume needs --out to be a regular file: ${target.given} is ${what}`);
  }
  return inspectOutput(target.real, target.given);
}

/** Regular files are locked: one run per output (see lock.ts). Pipes and devices hold no results to protect. */
function lockOutput(target: OutTarget | undefined): OutputLock | undefined {
  if (target === undefined || (target.kind !== 'file' && target.kind !== 'missing')) return undefined;
  return acquireOutputLock(target.real, target.given);
}

interface Output {
  lock: OutputLock | undefined;
  /** What the output held (--resume). */
  state: OutputState | undefined;
  /** How its inputs were checked (an output file). */
  checked: InputsCheck | undefined;
  sink: LineSink;
  /** A regular file (or one about to be made), which --resume can continue; not a stream, FIFO or device. */
  resumable: boolean;
}

/** The sink for a FIFO: opened once a reader is there; its errors name it. */
async function openFifoSink(
  target: OutTarget,
  options: StartRunOptions,
  onError: SinkErrorHandler,
): Promise<LineSink> {
  const fifo = await openFifo(target.given, target.given, {
    waitMs: options.fifoWaitMs,
    signal: options.signal,
    onWait: options.onFifoWait,
  });
  const named = (error: Error): void => onError(new Error(`cannot write ${target.given}: ${error.message}`));
  return createSink(fifo, named, { end: true });
}

/**
 * Gets the output ready: locked, swept of a killed run's temporary files, its inputs checked (or
 * recorded), read for --resume, and open. Releases the lock if any of it fails.
 */
async function openOutput(
  options: StartRunOptions,
  resume: boolean,
  onError: SinkErrorHandler,
): Promise<Output> {
  const target = typeof options.out === 'string' ? resolveOut(options.out) : undefined;
  if (target !== undefined) assertNotInputs(target, options.inputsFile);
  // Before anything reads or changes the output: a second run must not see it half-rewritten.
  const lock = lockOutput(target);
  try {
    let state: OutputState | undefined;
    let checked: InputsCheck | undefined;
    if (target !== undefined && lock !== undefined) {
      sweepTemps(target.real);
      sweepTemps(recordPath(target.real));
      const fingerprint =
        options.inputsFile === undefined ? undefined : fingerprintInputs(options.inputsFile);
      // Before the output is touched (a torn line cut, aborted lines dropped): another job's output must
      // be left as it is.
      if (resume && target.kind === 'file' && statSync(target.real).size > 0) {
        checked = await checkInputs(
          target.real,
          target.given,
          fingerprint,
          options.inputsFile ?? 'the inputs',
        );
      }
      state = await readPrior(target, resume);
      if (checked === undefined) {
        await writeRecord(target.real, fingerprint);
        checked = 'new';
      }
    } else {
      state = await readPrior(target, resume);
    }
    let sink: LineSink;
    if (target === undefined) sink = createSink(options.out as Writable, onError);
    else if (target.kind === 'fifo') sink = await openFifoSink(target, options, onError);
    else if (target.kind === 'device') sink = createSink(target.given, onError, { sync: false });
    else sink = createSink(target.real, onError);
    const resumable = target !== undefined && (target.kind === 'file' || target.kind === 'missing');
    return { lock, state, checked, sink, resumable };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** Why auto chose what it did, its warnings first: a choice the figures could not settle says so. */
function autoReasons(verdict: Verdict | undefined): string[] | undefined {
  if (verdict === undefined) return undefined;
  const unsettled = verdict.settled
    ? []
    : ['not settled: the figures could not decide; this is where they leaned'];
  return [...unsettled, ...verdict.warnings.map((warning) => `warning: ${warning}`), ...verdict.reasons];
}

/** Starts a run. Rejects, before any input is read, on a bad option, task or output file. */
export async function startRun(options: StartRunOptions): Promise<RunHandle> {
  const retries = expectNonNegativeInteger('retries', options.retries ?? 0);
  const resume = options.resume === true;
  const executor: Executor = createExecutor({
    task: options.task,
    strategy: options.strategy ?? DEFAULT_RUN_STRATEGY,
    concurrency: options.concurrency,
    inFlight: options.inFlight,
    // The controller (signals, time-outs, writing results) must stay responsive whatever a task
    // does: sequential and async run on a worker thread of their own, never on this one.
    isolate: true,
    export: options.export,
    timeout: options.timeout,
    maxMemoryMb: options.maxMemoryMb,
    setupTimeout: options.setupTimeout,
    teardownTimeout: options.teardownTimeout,
    ...(options.connection === undefined ? {} : { connection: options.connection }),
    ...(options.advisorBudget === undefined ? {} : { advisorBudget: options.advisorBudget }),
  });
  let job: Job | undefined;
  let output: Output;
  try {
    output = await openOutput(options, resume, (error) => job?.fail(error));
  } catch (error) {
    await executor.close();
    throw error;
  }
  const { lock, state, checked, sink, resumable } = output;
  job = new Job({
    executor,
    inputs: options.inputs,
    sink,
    retries,
    ordered: options.ordered === true,
    done: state?.done ?? new DoneSet(),
    ...(options.total === undefined ? {} : { total: options.total }),
  });
  const started = performance.now();
  const running = job;
  const prior = state && {
    ok: state.ok,
    failed: state.failed,
    tornBytes: state.tornBytes,
    abortedRemoved: state.abortedRemoved,
    duplicates: state.duplicates,
    inputs: checked ?? 'not-a-file',
  };
  const result = (async (): Promise<RunSummary> => {
    let outcome: JobResult;
    try {
      outcome = await running.run();
    } finally {
      // The output is complete and synced: the next run may have it.
      lock?.release();
    }
    // After an abort, tasks that ignore it may never settle: do not wait for them.
    if (outcome.abortedBy === undefined) await executor.close();
    else void executor.close();
    return {
      ...outcome,
      strategy: executor.strategy,
      concurrency: executor.concurrency,
      adaptive: executor.adaptive && {
        bounds: executor.adaptive,
        range: executor.concurrencyRange(),
        history: executor.concurrencyHistory(),
        series: executor.concurrencySeries(),
        perWorker: executor.adaptivePerWorker,
      },
      inFlight: executor.inFlight,
      reasons: autoReasons(executor.choice?.advice.verdict),
      advice: executor.choice && { costMs: executor.choice.costMs, kept: executor.choice.kept.size },
      elapsedMs: performance.now() - started,
      resumable,
      prior,
    };
  })();
  return {
    strategy: executor.strategy,
    concurrency: executor.concurrency,
    prior,
    stop: (reason) => running.stop(reason),
    abort: (reason) => running.abort(reason),
    progress: () => {
      const progress = running.progress();
      if (!executor.adaptive) return progress;
      const limit = executor.concurrencyNow();
      return executor.adaptivePerWorker
        ? { ...progress, limit, limitWorkers: executor.concurrency }
        : { ...progress, limit };
    },
    result,
  };
}
