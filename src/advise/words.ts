/** Words for the verdict's reasons and the CLI that are not units (those are core/units.ts's). */
import type { StrategyName } from '../core/options.js';
import { formatCount, formatLongDuration } from '../core/units.js';
import type { Projection } from './types.js';

/**
 * What a worker thread's start-up figure measured: a whole start, or what was left, once the sample was
 * over, of a start begun beside it (beside.ts).
 */
export function startingThreads(rest: boolean | undefined): string {
  return rest ? 'what was left of starting the worker threads after the sample' : 'starting a worker thread';
}

/** The closing words of every too-small verdict. */
export const RUN_SEQUENTIALLY =
  'Run it sequentially: "premature optimization is the root of all evil" (Knuth).';

/** `async at 8`, `sequential`, `threads at 2×32` (2 workers, 32 tasks in flight on each). */
export function model(strategy: string, concurrency: number, inFlight = 1): string {
  if (strategy === 'sequential') return 'sequential';
  return inFlight > 1 ? `${strategy} at ${concurrency}×${inFlight}` : `${strategy} at ${concurrency}`;
}

/** `1 input`, `3 inputs`, `1,000 inputs`. */
export function inputCount(count: number): string {
  return `${formatCount(count)} input${count === 1 ? '' : 's'}`;
}

/**
 * Where the budget left nothing measured but the sample: the choice is the shortest projection, a
 * bound for each parallel model (its start-up measured, a perfect speed-up assumed) against
 * sequential's (the sample's mean task time). Says which won, by what rule, with both figures.
 */
export function boundChoiceReason(
  projections: readonly Projection[],
  total: number,
  meanTaskMs: number,
): string {
  const best = projections[0]!;
  const sequential = projections.find((p) => p.strategy === 'sequential')!;
  const seqWords =
    `${formatLongDuration(sequential.wallMs)} sequentially (${inputCount(total)} × ${formatLongDuration(meanTaskMs)}, ` +
    `the sample's mean, and loading the module once)`;
  const name = (p: Projection): string => model(p.strategy as StrategyName, p.concurrency, p.inFlight);
  if (best.strategy === 'sequential') {
    const next = projections[1];
    return (
      `Nothing but the sample was measured within the budget. The job would take about ${seqWords}` +
      (next
        ? `, no longer than the best bound, ${name(next)}'s ${formatLongDuration(next.wallMs)} (its start-up measured, a perfect speed-up assumed)`
        : '') +
      ': sequential is chosen. A larger budget measures more.'
    );
  }
  return (
    `Nothing but the sample was measured within the budget, so the shortest projection is chosen: ${name(best)} would ` +
    `take at least ${formatLongDuration(best.wallMs)} for the ${inputCount(total)} (its start-up measured, a perfect ` +
    `speed-up assumed), against about ${seqWords}. A larger budget measures it.`
  );
}
