/**
 * What could make a verdict wrong, said with it: sampled inputs that failed, probes whose tasks failed,
 * a level measured twice that disagreed with itself. A pure function of the figures.
 *
 * Some of these only warn (a few failed inputs, left out of the figures); others mean the figures
 * cannot carry a conclusion (most of the sample failed; a probe failed where the sample did not, not
 * explained by a knee; two runs of one level further apart than the noise a verdict tolerates), and the
 * verdict is then not settled: it says which way the figures lean, not that they decide it.
 */
import { formatPercent, formatRate } from '../core/units.js';
import { PLATEAU_TOLERANCE } from './thresholds.js';
import type { Probe, SampleFigures } from './types.js';
import { model } from './words.js';

/** A level probed twice (the search measures a level again before it believes a knee). */
export interface Repeat {
  strategy: Probe['strategy'];
  concurrency: number;
  /** The two throughputs, in tasks per second, in the order measured. */
  rates: [number, number];
}

export interface WarningsInput {
  sample: SampleFigures;
  /** Every probe, sequential first. */
  probes: readonly Probe[];
  /** Probes the search found past a knee: their failures are explained. */
  pastKnee: readonly Probe[];
  repeats: readonly Repeat[];
}

export interface Warnings {
  warnings: string[];
  /** False when a warning means the figures cannot decide. */
  settled: boolean;
}

/** How far apart two measurements of one thing are, as a share of the smaller. */
export function disagreement(a: number, b: number): number {
  const low = Math.min(a, b);
  return low > 0 ? Math.max(a, b) / low - 1 : Number.POSITIVE_INFINITY;
}

export function adviceWarnings(input: WarningsInput): Warnings {
  const warnings: string[] = [];
  let settled = true;
  const { sample } = input;
  if (sample.failed > 0) {
    const mostly = sample.failed * 2 > sample.tried;
    if (mostly) settled = false;
    warnings.push(
      `${sample.failed} of ${sample.tried} sampled inputs failed and are left out of the figures` +
        (mostly
          ? ': most of the sample failed, which is no basis for advice; fix the failures (fanout run records each error) and advise again.'
          : '; the verdict rests on the inputs that succeeded.'),
    );
  }
  for (const probe of input.probes) {
    if (probe.strategy === 'sequential' || probe.failed === 0) continue;
    const head = `${model(probe.strategy, probe.concurrency)}: ${probe.failed} of ${probe.tasks} tasks failed`;
    if (sample.failed > 0) {
      warnings.push(`${head}, as some sampled inputs did.`);
    } else if (input.pastKnee.includes(probe)) {
      warnings.push(`${head} where the sequential sample had none: past the knee, it is not recommended.`);
    } else {
      settled = false;
      warnings.push(
        `${head} where the sequential sample had none: the task fails under concurrency; find out why before trusting any recommendation.`,
      );
    }
  }
  for (const repeat of input.repeats) {
    const [first, second] = repeat.rates;
    const apart = disagreement(first, second);
    if (apart <= PLATEAU_TOLERANCE) continue;
    settled = false;
    warnings.push(
      `${model(repeat.strategy, repeat.concurrency)} measured twice: ${formatRate(first, 'tasks')} and ${formatRate(second, 'tasks')}, ` +
        `${formatPercent(apart)} apart, more than the ${formatPercent(PLATEAU_TOLERANCE)} counted as noise: the machine is too ` +
        'busy for these figures to decide; advise again on a quieter machine or with a larger --budget.',
    );
  }
  return { warnings, settled };
}
