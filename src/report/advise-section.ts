/**
 * The advice as a section of the HTML report: the verdict, the probes (charted as throughput and
 * task time against concurrency) and the projections as summary lines. No timelines: the advisor
 * keeps none (`fanout compare --report` draws them).
 */

import type { Advice } from '../advise/types.js';
import { inputCount, model } from '../advise/words.js';
import { formatLongDuration } from '../core/units.js';
import type { ReportSection } from './html/types.js';

export function adviceSection(advice: Advice, task: string): ReportSection {
  const { verdict, measurements, probes, projections } = advice;
  return {
    title: 'What the advisor measured',
    task,
    inputs: measurements.total ?? measurements.sample.tasks,
    strategies: [],
    probes: probes.map((p) => ({
      strategy: p.strategy,
      concurrency: p.concurrency,
      tasksPerSecond: p.tasksPerSecond,
      p50Ms: p.p50Ms,
      p95Ms: p.p95Ms,
    })),
    verdict: {
      kind: verdict.kind,
      strategy: verdict.strategy,
      concurrency: verdict.concurrency,
      // The warnings come first: they say how far the reasons can be trusted.
      reasons: [
        ...(verdict.settled ? [] : ['Not settled: the figures cannot decide; this is where they lean.']),
        ...verdict.warnings.map((warning) => `Warning: ${warning}`),
        ...verdict.reasons,
      ],
    },
    summary: projections.map(
      (p) =>
        `${model(p.strategy, p.concurrency)}: ` +
        `${formatLongDuration(p.wallMs)} projected for ${measurements.total === 1 ? 'the 1 input' : `all ${inputCount(measurements.total ?? 0)}`}` +
        (p.basis === 'bound' ? ' (at best: start-up measured, speed-up assumed perfect)' : ''),
    ),
  };
}
