/**
 * A comparison: one task over one set of inputs under several strategies, warm-up runs then measured
 * runs, reduced to medians, speed-ups and warnings.
 *
 * What is measured is a list of configurations: by default one per strategy; or any list, the same
 * strategy at several levels included (`threads 2` and `threads 2×16`); or a sweep of one strategy.
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
import { workloadName } from '../workloads/index.js';
import {
  type Configuration,
  executorLevel,
  type ResolvedConfiguration,
  resolveConfigurations,
  type Sweep,
  sweepConfigurations,
} from './configuration.js';
import { collectFailures, mismatchedIndices, previewOutcome } from './outcomes.js';
import { measureRun } from './run.js';
import { summarizeComparison, type Tally, tallyNames } from './summary.js';
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
const FATAL_CODES = new Set(['ERR_FANOUT_TASK_LOAD', 'ERR_FANOUT_SETUP', 'ERR_FANOUT_DISTRIBUTED']);

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
  /**
   * What to measure, in this order, instead of `strategies` and `concurrency`: the same strategy may
   * appear at several levels, and threads and processes may keep several tasks in flight per worker.
   * @example [{ strategy: 'threads', concurrency: 2 }, { strategy: 'threads', concurrency: 2, inFlight: 16 }]
   */
  configurations?: readonly Configuration[];
  /**
   * One strategy over a range of levels, instead of `strategies`, `concurrency` and `configurations`;
   * the reports then draw throughput against level.
   * @example { strategy: 'threads', varies: 'inFlight', concurrency: 2, levels: [1, 4, 16, 64] }
   */
  sweep?: Sweep;
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
  /**
   * The Redis URL that `fanout worker`s listen on: required when `distributed` is measured, given to
   * it alone (see docs/distributed.md).
   */
  connection?: string;
  /** `distributed`'s base queue. @default 'fanout' */
  queue?: string;
  onProgress?: (event: ProgressEvent) => void;
}

interface Plan {
  configurations: ResolvedConfiguration[];
  runs: number;
  warmup: number;
}

/** The configurations: a sweep's, the ones given, or one per strategy at its concurrency. */
function configurationsOf(options: CompareOptions): ResolvedConfiguration[] {
  const given = [options.sweep, options.configurations, options.strategies ?? options.concurrency].filter(
    (o) => o !== undefined,
  );
  if (given.length > 1) {
    throw new OptionError(
      'Expected one of `sweep`, `configurations`, or `strategies` with `concurrency`, not several',
    );
  }
  if (options.sweep) return sweepConfigurations(options.sweep);
  if (options.configurations) return resolveConfigurations(options.configurations);
  const strategies = [...new Set(options.strategies ?? LOCAL_STRATEGIES)];
  if (strategies.length === 0) throw new OptionError('Expected `strategies` to name at least one strategy');
  for (const name of strategies) {
    if (!isStrategyName(name)) {
      throw new OptionError(`Expected \`strategies\` to hold only ${STRATEGIES.join(', ')}, got \`${name}\``);
    }
  }
  return resolveConfigurations(
    strategies.map((strategy) => ({ strategy, concurrency: concurrencyFor(options, strategy) })),
  );
}

function plan(options: CompareOptions): Plan {
  const configurations = configurationsOf(options);
  const runs = expectPositiveInteger('runs', options.runs ?? DEFAULT_RUNS);
  const warmup = options.warmup ?? DEFAULT_WARMUP;
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new OptionError(`Expected \`warmup\` to be a non-negative integer, got \`${warmup}\``);
  }
  if (options.inputs.length === 0) throw new OptionError('Expected `inputs` to hold at least one input');
  return { configurations, runs, warmup };
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
  const { configurations, runs, warmup } = plan(options);
  const names = tallyNames(configurations);
  const task = toTaskUrl(options.task);
  const startedAt = new Date().toISOString();
  const tallies = new Map<number, Tally>();
  const mismatches: Mismatch[] = [];
  let mismatchCount = 0;
  const mismatchedInputs = new Set<number>();
  let reference: Settled<unknown>[] | undefined;
  const steps = configurations.length * (warmup + runs);
  let step = 0;
  const total = options.inputs.length;

  for (let round = 0; round < warmup + runs; round++) {
    const isWarmup = round < warmup;
    const run = isWarmup ? round + 1 : round - warmup + 1;
    for (const [k, configuration] of configurations.entries()) {
      const { strategy, inFlight, adaptive } = configuration;
      const name = names[k]!;
      step++;
      const base = {
        strategy,
        name,
        warmup: isWarmup,
        run,
        runs: isWarmup ? warmup : runs,
        total,
        step,
        steps,
      };
      options.onProgress?.({ type: 'start', ...base, done: 0 });
      const { measurement, outcomes, concurrency } = await measureRun({
        executor: {
          task,
          strategy,
          ...executorLevel(configuration),
          export: options.export,
          timeout: options.timeout,
          taskOptions: options.taskOptions,
          ...(strategy === 'distributed' ? { connection: options.connection, queue: options.queue } : {}),
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
      let tally = tallies.get(k);
      if (!tally) {
        tally = {
          strategy,
          concurrency,
          inFlight,
          ...(adaptive === undefined ? {} : { adaptive }),
          warmups: [],
          runs: [],
          failures: [],
          mismatched: 0,
        };
        tallies.set(k, tally);
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
      for (const index of differing) mismatchedInputs.add(index);
      for (const index of differing) {
        if (mismatches.length >= MAX_MISMATCHES) break;
        mismatches.push({
          index,
          strategy,
          name,
          run,
          expected: previewOutcome(reference[index]!),
          actual: previewOutcome(outcomes[index]!),
        });
      }
    }
  }
  return summarizeComparison({
    task: workloadName(task) ?? taskLabel(task),
    label: options.label ?? workloadName(task) ?? taskLabel(task),
    export: options.export ?? 'default',
    inputs: total,
    warmup,
    runs,
    startedAt,
    machine: machineInfo(),
    tallies: configurations.map((_, k) => tallies.get(k)!),
    // A sweep of tasks in flight records the workers it ran with, the default included.
    ...(options.sweep ? { sweep: { ...options.sweep, concurrency: configurations[0]!.concurrency } } : {}),
    mismatches,
    mismatchCount,
    mismatchedInputs: mismatchedInputs.size,
  });
}
