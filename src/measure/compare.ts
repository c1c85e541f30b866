/**
 * A comparison: one task over one set of inputs under several strategies, warm-up runs then measured
 * runs, reduced to medians, speed-ups and warnings.
 *
 * Runs are interleaved in rounds (sequential, async, threads, processes, then again), so a burst of
 * load from elsewhere on the machine falls on every strategy alike rather than on one.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { type FanoutError, OptionError } from '../core/errors.js';
import {
  expectPositiveInteger,
  isStrategyName,
  LOCAL_STRATEGIES,
  STRATEGIES,
  type StrategyName,
  toTaskUrl,
} from '../core/options.js';
import type { Settled } from '../core/types.js';
import { taskLabel } from '../task/label.js';
import { collectFailures, mismatchedIndices, previewOutcome } from './outcomes.js';
import { measureRun } from './run.js';
import { summarizeComparison, type Tally } from './summary.js';
import type { Comparison, MachineInfo, Mismatch, ProgressEvent } from './types.js';

/** Measured runs per strategy unless told otherwise: enough for a median and a spread. */
export const DEFAULT_RUNS = 3;
/** Warm-up runs per strategy unless told otherwise: fills the file cache and the module cache. */
export const DEFAULT_WARMUP = 1;
/** How many mismatches a comparison keeps in full (all are counted). */
export const MAX_MISMATCHES = 20;
/** How many distinct errors a strategy keeps as samples. */
export const MAX_FAILURE_SAMPLES = 3;

/** Errors that mean the task cannot run at all: the comparison stops rather than measure them. */
const FATAL_CODES = new Set(['ERR_FANOUT_TASK_LOAD', 'ERR_FANOUT_SETUP']);

export interface CompareOptions {
  /** The task module: a path (relative to the working directory), a `file:` URL string or a URL. */
  task: string | URL;
  inputs: readonly unknown[];
  /**
   * What the reports call the job.
   * @default the task module's path
   * @example 'download: 80 GETs from the embedded server'
   */
  label?: string;
  /**
   * The strategies to measure, in this order; the first is the reference results are checked against.
   * @default all four: sequential, async, threads, processes
   */
  strategies?: readonly StrategyName[];
  /**
   * Tasks in flight: one number for every strategy but sequential (always 1), or one per strategy.
   * @default the executor's defaults (cores for threads and processes, 64 for async)
   * @example { threads: 4, async: 32 }
   */
  concurrency?: number | Partial<Record<StrategyName, number>>;
  /** @default 3 */
  runs?: number;
  /** @default 1 */
  warmup?: number;
  /** The task module's export to call. @default 'default' */
  export?: string;
  /** A time-out per task, in ms. */
  timeout?: number;
  /** Given to `setup` and to every task as `context.options`. */
  taskOptions?: unknown;
  onProgress?: (event: ProgressEvent) => void;
}

interface Plan {
  strategies: StrategyName[];
  runs: number;
  warmup: number;
}

function plan(options: CompareOptions): Plan {
  const strategies = [...new Set(options.strategies ?? LOCAL_STRATEGIES)];
  if (strategies.length === 0) throw new OptionError('Expected `strategies` to name at least one strategy');
  for (const name of strategies) {
    if (!isStrategyName(name)) {
      throw new OptionError(`Expected \`strategies\` to hold only ${STRATEGIES.join(', ')}, got \`${name}\``);
    }
  }
  const runs = expectPositiveInteger('runs', options.runs ?? DEFAULT_RUNS);
  const warmup = options.warmup ?? DEFAULT_WARMUP;
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new OptionError(`Expected \`warmup\` to be a non-negative integer, got \`${warmup}\``);
  }
  if (options.inputs.length === 0) throw new OptionError('Expected `inputs` to hold at least one input');
  return { strategies, runs, warmup };
}

function concurrencyFor(options: CompareOptions, strategy: StrategyName): number | undefined {
  if (strategy === 'sequential') return undefined;
  const c = options.concurrency;
  return typeof c === 'number' ? c : c?.[strategy];
}

export function machineInfo(): MachineInfo {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    totalMemory: totalmem(),
  };
}

function fatalError(outcomes: readonly Settled<unknown>[]): Error | undefined {
  for (const outcome of outcomes) {
    if (outcome.status !== 'rejected') continue;
    const code = (outcome.reason as FanoutError).code;
    if (typeof code === 'string' && FATAL_CODES.has(code)) return outcome.reason;
  }
  return undefined;
}

/**
 * Measures `task` over `inputs` under each strategy and returns every run and its summary.
 * Throws (before or after some runs) when the task cannot be loaded or its `setup` fails.
 *
 * @example
 * const comparison = await compareStrategies({ task: './task.js', inputs, runs: 3 });
 * console.log(renderComparison(comparison));
 */
export async function compareStrategies(options: CompareOptions): Promise<Comparison> {
  const { strategies, runs, warmup } = plan(options);
  const task = toTaskUrl(options.task);
  const startedAt = new Date().toISOString();
  const tallies = new Map<StrategyName, Tally>();
  const mismatches: Mismatch[] = [];
  let mismatchCount = 0;
  let reference: Settled<unknown>[] | undefined;
  const steps = strategies.length * (warmup + runs);
  let step = 0;
  const total = options.inputs.length;

  for (let round = 0; round < warmup + runs; round++) {
    const isWarmup = round < warmup;
    const run = isWarmup ? round + 1 : round - warmup + 1;
    for (const strategy of strategies) {
      step++;
      const base = { strategy, warmup: isWarmup, run, runs: isWarmup ? warmup : runs, total, step, steps };
      options.onProgress?.({ type: 'start', ...base, done: 0 });
      const { measurement, outcomes, concurrency } = await measureRun({
        executor: {
          task,
          strategy,
          concurrency: concurrencyFor(options, strategy),
          export: options.export,
          timeout: options.timeout,
          taskOptions: options.taskOptions,
        },
        inputs: options.inputs,
        run,
        warmup: isWarmup,
        onProgress: (done) => options.onProgress?.({ type: 'progress', ...base, done }),
      });
      const fatal = fatalError(outcomes);
      if (fatal) throw fatal;
      options.onProgress?.({
        type: 'end',
        ...base,
        done: total,
        wallMs: measurement.wallMs,
        failed: measurement.failed,
      });
      let tally = tallies.get(strategy);
      if (!tally) {
        tally = {
          strategy,
          concurrency,
          warmups: [],
          runs: [],
          failures: [],
          mismatched: 0,
        };
        tallies.set(strategy, tally);
      }
      collectFailures(outcomes, tally.failures, MAX_FAILURE_SAMPLES);
      if (isWarmup) {
        tally.warmups.push(measurement);
        continue;
      }
      tally.runs.push(measurement);
      if (reference === undefined) {
        reference = outcomes;
        continue;
      }
      const differing = mismatchedIndices(reference, outcomes);
      tally.mismatched += differing.length;
      mismatchCount += differing.length;
      for (const index of differing) {
        if (mismatches.length >= MAX_MISMATCHES) break;
        mismatches.push({
          index,
          strategy,
          run,
          expected: previewOutcome(reference[index]!),
          actual: previewOutcome(outcomes[index]!),
        });
      }
    }
  }
  return summarizeComparison({
    task: taskLabel(task),
    label: options.label ?? taskLabel(task),
    export: options.export ?? 'default',
    inputs: total,
    warmup,
    runs,
    startedAt,
    machine: machineInfo(),
    tallies: strategies.map((s) => tallies.get(s)!),
    mismatches,
    mismatchCount,
  });
}
