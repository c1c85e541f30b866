/**
 * The shapes of a measurement: one run, one strategy's runs, and a whole comparison. Plain data
 * (numbers, strings, arrays), so a comparison can be written as JSON as it is.
 */
import type { AdaptiveBounds, AdaptiveConcurrency, StrategyName } from '../core/options.js';
import type { LimitBucket, TimelineEntry } from '../core/types.js';
import type { AdaptiveLevel, Sweep } from './configuration.js';
import type { SpreadWarning, Summary } from './stats.js';

/** How the peak RSS of a run was found. */
export type RssMethod =
  /** Linux: this process (sampled, and its kernel high-water mark) plus every descendant's VmRSS, sampled. */
  | 'proc'
  /** Elsewhere: this process, sampled, plus the children's RSS as the workers last reported it. */
  | 'self+reported';

/** One run of one strategy over every input. Times in ms, memory in bytes. */
export interface RunMeasurement {
  /** 1-based, counted separately for warm-up and measured runs. */
  run: number;
  warmup: boolean;
  /** When `map` was called, in ms since the Unix epoch: the clock of the timeline. */
  startedAt: number;
  /** From calling `map` to the last result: worker start-up included (the workers start lazily). */
  wallMs: number;
  /** From calling `map` to the start of the first task: spawning, loading the module, `setup`. */
  startupMs: number;
  /** `close()`: teardown and ending the workers; not part of `wallMs`. */
  closeMs: number;
  /** CPU time (user + system) of this process (all its threads) plus every child process. */
  cpuMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** The share of `cpuMs` spent in child processes (only `processes` has any). */
  childCpuMs: number;
  /** The peak resident set size of the whole process tree during the run. */
  peakRss: number;
  /** The tree's RSS as the run began (this process, Node and fanout included): the peak rose from here. */
  baselineRss: number;
  rssMethod: RssMethod;
  /** Inputs per second of wall time, failed inputs included. */
  throughput: number;
  /** Inputs that ended with an error. */
  failed: number;
  /** Workers started, replacements included (1 for sequential and async: the calling process). */
  workersStarted: number;
  timeline: TimelineEntry[];
  /** Under an adaptive limit, what it did during this run. */
  limit?: RunLimit;
}

/**
 * What an adaptive limit did during one run: where it started, its lowest and highest, and its mean
 * weighted by time (from the executor's creation to the last result). Per worker under the hybrid.
 */
export interface LimitFigures {
  start: number;
  min: number;
  max: number;
  mean: number;
}

/** One run's limit figures, and the limit over time beside throughput and latency (at most 120 stretches). */
export interface RunLimit extends LimitFigures {
  series: LimitBucket[];
}

/** An adaptive configuration's limit over its measured runs. */
export interface AdaptiveMeasurement {
  /** As typed: `adaptive` or `adaptive:4-256`. */
  setting: AdaptiveConcurrency;
  /** The number that moved: async's (distributed's) `concurrency`, or the pools' `inFlight`, per worker. */
  moves: AdaptiveLevel['moves'];
  bounds: AdaptiveBounds;
  /**
   * Over the measured runs: the lowest and highest the limit stood at in any of them, and the median of
   * their time-weighted means (`start` is the first run's: every run starts alike).
   */
  limit: LimitFigures;
}

/** An error an input ended with, as text: enough to tell the user what went wrong. */
export interface FailureSample {
  index: number;
  message: string;
}

/** Where the result of an input differed from the reference strategy's. */
export interface Mismatch {
  index: number;
  strategy: StrategyName;
  /** The configuration's name, as the reports print it (`threads 2×32`). */
  name: string;
  run: number;
  /** Short previews of the two outcomes: a value, or `error: …`. */
  expected: string;
  actual: string;
}

/** One configuration's runs, summed up (one per strategy, unless a strategy was measured at several levels). */
export interface StrategyMeasurement {
  strategy: StrategyName;
  /**
   * The configuration's name in every report: the strategy alone when that is unambiguous, else with
   * its level (`threads 2`, `threads 2×32`).
   */
  name: string;
  /** 1 for sequential, workers for threads and processes, tasks in flight for async. */
  concurrency: number;
  /**
   * Tasks in flight per worker (threads and processes): above 1, the hybrid. 1 otherwise. Under an
   * adaptive limit the number that moves (this or `concurrency`) holds where it started; `adaptive`
   * says what it did.
   */
  inFlight: number;
  /** The level in the reports' notation: `4`, `2×32`, `adaptive`, `adaptive:4-256`, `2×adaptive`. */
  level: string;
  /** Set when the limit moved while the job ran: its setting and what it did. */
  adaptive?: AdaptiveMeasurement;
  warmups: RunMeasurement[];
  runs: RunMeasurement[];
  wallMs: Summary;
  cpuMs: Summary;
  peakRss: Summary;
  throughput: Summary;
  startupMs: Summary;
  /** Median CPU time over median wall time: how many cores were busy on average. */
  coresBusy: number;
  /**
   * Sequential's median wall time over this one's; undefined when sequential was not measured, or when
   * inputs failed under either (a task that fails at once is no measure of the work).
   */
  speedup: number | undefined;
  /**
   * `speedup` / min(concurrency × inFlight, inputs): 1 when every slot in flight did a full share of the
   * work. Under an adaptive limit, its mean stands for the number that moved.
   */
  efficiency: number | undefined;
  /** Failed inputs in the worst measured run. */
  failed: number;
  /** The first few distinct errors, from any run. */
  failures: FailureSample[];
  /** Outcomes that differed from the reference strategy's, counted over every measured run (input × run). */
  mismatched: number;
  warnings: SpreadWarning[];
}

export interface MachineInfo {
  cores: number;
  cpu: string;
  platform: string;
  arch: string;
  node: string;
  totalMemory: number;
}

/** Everything one comparison measured: what `compareStrategies` returns and the JSON export holds. */
export interface Comparison {
  /** The task module, as a path or URL. */
  task: string;
  /** What the reports call the job: the label given, else the task module's path. */
  label: string;
  export: string;
  inputs: number;
  warmup: number;
  runs: number;
  /** ISO time at which the comparison began. */
  startedAt: string;
  machine: MachineInfo;
  /** One per configuration measured, in the order measured. */
  strategies: StrategyMeasurement[];
  /**
   * The name of the configuration with the smallest median wall time among those whose every input
   * succeeded in every measured run; undefined when inputs failed under every one. A configuration
   * whose inputs failed may finish first (an error is quick), and is never the fastest.
   */
  fastest: string | undefined;
  /** The name of the configuration with the smallest median wall time, failed inputs or not. */
  finishedFirst: string;
  /** The name of the configuration every other one's results were checked against: the first measured. */
  reference: string;
  /** Set when the comparison swept one strategy over a range of levels. */
  sweep?: Sweep;
  /** The first few mismatches; `mismatchCount` counts them all. */
  mismatches: Mismatch[];
  /** Outcomes that differed from the reference's: one per input per run per configuration. */
  mismatchCount: number;
  /** The distinct inputs among them. */
  mismatchedInputs: number;
  /** Failed inputs, summed over the strategies' worst measured runs. */
  failed: number;
}

/** Reported while a comparison runs: one step is one run (warm-up or measured) of one strategy. */
export interface ProgressEvent {
  type: 'start' | 'progress' | 'end';
  strategy: StrategyName;
  /** The configuration's name, as the reports print it. */
  name: string;
  warmup: boolean;
  /** 1-based run number and how many runs of this kind each strategy gets. */
  run: number;
  runs: number;
  done: number;
  total: number;
  /** 1-based step over the whole comparison, and the number of steps. */
  step: number;
  steps: number;
  /** Set on 'end'. */
  wallMs?: number;
  failed?: number;
}
