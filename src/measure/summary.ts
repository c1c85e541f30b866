/**
 * From raw runs to the figures the reports show: medians with min–max, speed-up and efficiency against
 * sequential (only between configurations whose every input succeeded), the fastest configuration
 * (among those alone), warnings. Pure: no clocks, no I/O.
 */
import type { StrategyName } from '../core/options.js';
import {
  type AdaptiveLevel,
  adaptiveSetting,
  configurationName,
  formatLevel,
  type Sweep,
} from './configuration.js';
import { median, spreadWarnings, summarize } from './stats.js';
import type {
  AdaptiveMeasurement,
  Comparison,
  FailureSample,
  RunMeasurement,
  StrategyMeasurement,
} from './types.js';

/** One strategy's runs as they came in. */
export interface Tally {
  strategy: StrategyName;
  concurrency: number;
  /** Tasks in flight per worker. @default 1 */
  inFlight?: number;
  /** Set when a limit moved while the job ran. */
  adaptive?: AdaptiveLevel;
  warmups: RunMeasurement[];
  runs: RunMeasurement[];
  failures: FailureSample[];
  mismatched: number;
}

/** What a comparison gathered before the sums: the Comparison's own fields, and a tally per strategy. */
export interface ComparisonParts
  extends Pick<
    Comparison,
    | 'task'
    | 'label'
    | 'export'
    | 'inputs'
    | 'warmup'
    | 'runs'
    | 'startedAt'
    | 'machine'
    | 'mismatches'
    | 'mismatchCount'
    | 'mismatchedInputs'
  > {
  tallies: Tally[];
  sweep?: Sweep;
}

/** `speedup` divided by the slots that could have worked at once: min(concurrency × inFlight, inputs). */
export function efficiency(speedup: number, concurrency: number, inputs: number, inFlight = 1): number {
  return speedup / Math.max(1, Math.min(concurrency * inFlight, inputs));
}

/** Each tally's name: its strategy, with its level where the strategy alone would be ambiguous. */
export function tallyNames(
  tallies: readonly Pick<Tally, 'strategy' | 'concurrency' | 'inFlight' | 'adaptive'>[],
): string[] {
  const count = new Map<StrategyName, number>();
  for (const t of tallies) count.set(t.strategy, (count.get(t.strategy) ?? 0) + 1);
  return tallies.map((t) =>
    configurationName(t.strategy, t.concurrency, t.inFlight ?? 1, count.get(t.strategy) === 1, t.adaptive),
  );
}

/** An adaptive configuration's limit over its measured runs: the widest range, the median of the means. */
function adaptiveMeasurement(level: AdaptiveLevel, runs: readonly RunMeasurement[]): AdaptiveMeasurement {
  const limits = runs.flatMap((run) => (run.limit === undefined ? [] : [run.limit]));
  const first = limits[0];
  return {
    setting: adaptiveSetting(level.bounds),
    moves: level.moves,
    bounds: { ...level.bounds },
    limit:
      first === undefined
        ? { start: Number.NaN, min: Number.NaN, max: Number.NaN, mean: Number.NaN }
        : {
            start: first.start,
            min: Math.min(...limits.map((l) => l.min)),
            max: Math.max(...limits.map((l) => l.max)),
            mean: median(limits.map((l) => l.mean)),
          },
  };
}

/** The tasks that could run at once, for efficiency: an adaptive limit counts at its mean. */
function slots(s: StrategyMeasurement): { concurrency: number; inFlight: number } {
  const mean = s.adaptive?.limit.mean;
  if (mean === undefined || !Number.isFinite(mean)) return s;
  return s.adaptive!.moves === 'concurrency'
    ? { concurrency: mean, inFlight: 1 }
    : { concurrency: s.concurrency, inFlight: mean };
}

function measureStrategy(tally: Tally, name: string): StrategyMeasurement {
  const pick = (key: 'wallMs' | 'cpuMs' | 'peakRss' | 'throughput' | 'startupMs') =>
    summarize(tally.runs.map((run) => run[key]));
  const wallMs = pick('wallMs');
  const cpuMs = pick('cpuMs');
  return {
    strategy: tally.strategy,
    name,
    concurrency: tally.concurrency,
    inFlight: tally.inFlight ?? 1,
    level: formatLevel(tally.concurrency, tally.inFlight ?? 1, tally.adaptive),
    ...(tally.adaptive === undefined ? {} : { adaptive: adaptiveMeasurement(tally.adaptive, tally.runs) }),
    warmups: tally.warmups,
    runs: tally.runs,
    wallMs,
    cpuMs,
    peakRss: pick('peakRss'),
    throughput: pick('throughput'),
    startupMs: pick('startupMs'),
    coresBusy: wallMs.median > 0 ? cpuMs.median / wallMs.median : 0,
    speedup: undefined,
    efficiency: undefined,
    failed: Math.max(...tally.runs.map((run) => run.failed)),
    failures: tally.failures,
    mismatched: tally.mismatched,
    warnings: spreadWarnings(tally.runs.map((run) => run.wallMs)),
  };
}

export function summarizeComparison(parts: ComparisonParts): Comparison {
  const names = tallyNames(parts.tallies);
  const strategies = parts.tallies.map((tally, i) => measureStrategy(tally, names[i]!));
  const baseline = strategies.find((s) => s.strategy === 'sequential');
  // A failed input is no measure of the work: no speed-up against, or of, a configuration with failures.
  if (baseline && baseline.failed === 0) {
    for (const s of strategies) {
      if (s.failed > 0) continue;
      s.speedup = s.wallMs.median > 0 ? baseline.wallMs.median / s.wallMs.median : undefined;
      const { concurrency, inFlight } = slots(s);
      s.efficiency =
        s.speedup === undefined ? undefined : efficiency(s.speedup, concurrency, parts.inputs, inFlight);
    }
  }
  const quickest = (rows: StrategyMeasurement[]) =>
    rows.reduce<StrategyMeasurement | undefined>(
      (a, b) => (a && a.wallMs.median <= b.wallMs.median ? a : b),
      undefined,
    );
  const finishedFirst = quickest(strategies)!;
  const fastest = quickest(strategies.filter((s) => s.failed === 0));
  return {
    task: parts.task,
    label: parts.label,
    export: parts.export,
    inputs: parts.inputs,
    warmup: parts.warmup,
    runs: parts.runs,
    startedAt: parts.startedAt,
    machine: parts.machine,
    strategies,
    fastest: fastest?.name,
    finishedFirst: finishedFirst.name,
    reference: strategies[0]!.name,
    ...(parts.sweep ? { sweep: parts.sweep } : {}),
    mismatches: parts.mismatches,
    mismatchCount: parts.mismatchCount,
    mismatchedInputs: parts.mismatchedInputs,
    failed: strategies.reduce((sum, s) => sum + s.failed, 0),
  };
}
