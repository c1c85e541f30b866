/**
 * When the choice is clear: what a model could do at best (its ceiling, from the sequential sample
 * alone), and whether probing it could save more than the probe costs. Pure functions of the figures.
 */
import type { StrategyName } from '../core/options.js';
import { PLATEAU_TOLERANCE } from './thresholds.js';
import type { SampleFigures } from './types.js';

/** The least a task's time may be taken to be, in ms: a guard against dividing by zero. */
const MIN_TASK_MS = 1e-4;

/**
 * The time of one core a task needs, in ms: the lower of its event-loop busy time and its CPU time.
 * Each reading can exceed the truth (busy time counts the moments a loaded machine keeps the thread
 * off its core; CPU time counts the compiler and collector threads, and the libuv pool), so the lower
 * one is the optimistic bound a ceiling wants.
 */
export function coreMsPerTask(sample: SampleFigures): number {
  return Math.max(MIN_TASK_MS, Math.min(sample.busyMs, sample.cpuMs));
}

/**
 * The most tasks per second a model could run, from the sample: `concurrency × inFlight` tasks at
 * once each taking the sample's wall time, but never more than its event loops (one for async, one
 * per worker) or the machine's cores can compute. Workers pay start-up and message costs on top, so
 * a probe can only do worse; that is what makes it a ceiling.
 */
export function ceilingRate(
  strategy: StrategyName,
  concurrency: number,
  inFlight: number,
  sample: SampleFigures,
  cores: number,
): number {
  const wallMs = Math.max(MIN_TASK_MS, sample.wallMs);
  const coreMs = coreMsPerTask(sample);
  const perSecond = (tasksPerMs: number): number => tasksPerMs * 1000;
  if (strategy === 'sequential') return perSecond(1 / wallMs);
  const inFlightTotal = strategy === 'async' ? concurrency : concurrency * inFlight;
  const loops = strategy === 'async' ? 1 : Math.min(concurrency, cores);
  return perSecond(Math.min(inFlightTotal / wallMs, loops / coreMs));
}

/**
 * Among a strategy's levels (ascending), the index of the lowest whose ceiling reaches, within the
 * plateau tolerance, the highest any of them has: the levels below cannot be the best, and starting
 * there saves their probes. (Not for async, whose knee is usually a server's, which no ceiling sees.)
 */
export function firstUsefulLevel(ceilings: readonly number[]): number {
  const top = Math.max(...ceilings);
  const index = ceilings.findIndex((c) => c * (1 + PLATEAU_TOLERANCE) >= top);
  return Math.max(0, index);
}

export interface WorthInput {
  /** The probe's ceiling and its expected rate (what sizes it), in tasks per second. */
  ceiling: number;
  expected: number;
  /** The best throughput measured so far. */
  best: number;
  /** Inputs of the job not yet done (the advisor's kept results are done), or null when unknown. */
  remaining: number | null;
  /** What the probe takes: its fixed part (workers' start-up, warm-up) and its measured part, in ms. */
  fixedMs: number;
  measuredMs: number;
  /** Whether the probe's results are kept as the job's (under `auto`, with fresh inputs left). */
  kept: boolean;
  /**
   * Whether its model is cheaper than the best measured one's: then merely matching it, within the
   * plateau tolerance, would make it the choice.
   */
  cheaper: boolean;
}

export interface Worth {
  worth: boolean;
  /** What the probe could save at most over the rest of the job, and what it would cost, in ms. */
  savingMs: number;
  costMs: number;
}

/**
 * A probe is worth running when its model could win: beat the best measured by more than the plateau
 * tolerance, or, a cheaper model, come within it. And, the job's size being known, when the most it
 * could save over the rest of the job exceeds what it costs: its fixed part, plus its measured part
 * where the results are thrown away, or only the time lost against the best rate where they are the
 * job's. (A cheaper model that could only tie saves no time: it is probed while the probe costs nothing.)
 */
export function probeWorth(input: WorthInput): Worth {
  const { ceiling, expected, best, remaining, fixedMs, measuredMs, kept, cheaper } = input;
  const beats = ceiling > best * (1 + PLATEAU_TOLERANCE);
  const ties = cheaper && ceiling * (1 + PLATEAU_TOLERANCE) >= best;
  if (remaining === null) return { worth: beats || ties, savingMs: Number.POSITIVE_INFINITY, costMs: 0 };
  const savingMs = best > 0 && ceiling > best ? remaining * (1000 / best - 1000 / ceiling) : 0;
  const lostMs = kept ? measuredMs * Math.max(0, 1 - expected / best) : measuredMs;
  const costMs = fixedMs + lostMs;
  return { worth: (beats && savingMs > costMs) || (ties && costMs <= savingMs), savingMs, costMs };
}
