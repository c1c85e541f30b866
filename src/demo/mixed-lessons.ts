/**
 * What the mixed job teaches, each line resting on a figure measured in this run: why async is held
 * to one core, why one task per worker idles through the waits, and whether the hybrid won. Pure.
 */
import { formatDuration, formatPercent, formatRatio, formatSignificant } from '../core/units.js';
import type { Comparison, StrategyMeasurement } from '../measure/types.js';
import { clearWinner, fasterOrSlower } from '../report/model.js';

/**
 * Below this many cores busy, the hybrid (whose point is a second core) did not get one: other programs
 * were taking the CPU.
 */
const ONE_CORE = 1;

/** How the hybrid was set up, as the lessons cite it. */
export interface HybridChoice {
  /** One task in flight, measured before the comparison: CPU over wall time. */
  busyShare: number;
  inFlight: number;
}

/** The hybrid's row: threads or processes with more than one task in flight per worker. */
export function hybridOf(c: Comparison): StrategyMeasurement | undefined {
  return c.strategies.find((s) => s.inFlight > 1);
}

/**
 * The hybrid's row when it lost without getting a second core (other programs held it): then the
 * mixed job's result says more about the machine than about the work. Undefined otherwise.
 */
export function hybridStarved(c: Comparison, cores: number): StrategyMeasurement | undefined {
  const hybrid = hybridOf(c);
  return hybrid && clearWinner(c) !== hybrid && cores > 1 && hybrid.coresBusy < ONE_CORE ? hybrid : undefined;
}

/** The fastest of the rows that are not the hybrid: the best the seed's four boxes did. */
function bestPure(c: Comparison): StrategyMeasurement | undefined {
  const pure = c.strategies.filter((s) => s.inFlight === 1);
  return pure.length === 0 ? undefined : pure.reduce((a, b) => (b.wallMs.median < a.wallMs.median ? b : a));
}

const find = (c: Comparison, strategy: string): StrategyMeasurement | undefined =>
  c.strategies.find((s) => s.strategy === strategy && s.inFlight === 1);

/** Whether the hybrid won, said only as far as the runs allow. */
export function hybridVerdict(c: Comparison): string | undefined {
  const hybrid = hybridOf(c);
  const best = bestPure(c);
  if (!hybrid || !best) return undefined;
  const ratio = hybrid.wallMs.median > 0 ? best.wallMs.median / hybrid.wallMs.median : undefined;
  if (clearWinner(c) === hybrid) {
    return (
      `The hybrid won: ${formatRatio(ratio)} faster than ${best.name}, the best of the four models, and its ` +
      "slowest run beat every other configuration's fastest."
    );
  }
  if (c.fastest === hybrid.name) {
    return (
      `The hybrid had the lowest median, ${formatRatio(ratio)} below ${best.name}'s, but the runs overlap: ` +
      'this run cannot say that it wins (try more --runs on a quieter machine).'
    );
  }
  return (
    `The hybrid did not win here: ${c.fastest} had the lowest median` +
    (ratio === undefined ? '.' : ` (the hybrid ran ${fasterOrSlower(ratio)} than ${best.name}).`)
  );
}

/** Why the mixed job came out as it did. */
export function mixedLessons(c: Comparison, cores: number, choice: HybridChoice): string[] {
  const sequential = find(c, 'sequential');
  const asyncRun = find(c, 'async');
  const threads = find(c, 'threads');
  const processes = find(c, 'processes');
  const hybrid = hybridOf(c);
  const lines: string[] = [];
  if (sequential) {
    const busy = sequential.cpuMs.median / Math.max(sequential.wallMs.median, 1e-9);
    lines.push(
      `Each task waits, then computes: sequential used ${formatDuration(sequential.cpuMs.median)} of CPU in ` +
        `${formatDuration(sequential.wallMs.median)} (${formatPercent(busy)} of its wall time).`,
    );
  }
  if (asyncRun) {
    lines.push(
      `async overlaps every wait, but computes on its one thread: it kept ${formatSignificant(asyncRun.coresBusy)} ` +
        `of ${cores} cores busy` +
        (asyncRun.speedup === undefined
          ? '.'
          : ` and ran ${fasterOrSlower(asyncRun.speedup)} than sequential.`),
    );
  }
  const pools = [threads, processes].filter((s) => s !== undefined);
  if (pools.length > 0) {
    const busy = pools.map((s) => `${s.strategy} ${formatSignificant(s.coresBusy)}`).join(', ');
    lines.push(
      `threads and processes can compute on every core, but one task per worker sits idle through each wait ` +
        `(cores busy: ${busy}).`,
    );
  }
  if (hybrid) {
    lines.push(
      `${hybrid.name} keeps ${choice.inFlight} tasks in flight on each of ${hybrid.concurrency} workers: one task ` +
        `kept a core busy ${formatPercent(choice.busyShare)} of its time before the comparison, so ` +
        `⌈2 ÷ ${formatPercent(choice.busyShare)}⌉ = ${choice.inFlight} keeps a worker busy with room for jitter. ` +
        `It kept ${formatSignificant(hybrid.coresBusy)} cores busy` +
        (hybrid.speedup === undefined ? '.' : ` and ran ${fasterOrSlower(hybrid.speedup)} than sequential.`),
    );
  }
  const verdict = hybridVerdict(c);
  if (verdict) lines.push(verdict);
  if (hybrid && hybridStarved(c, cores) === hybrid) {
    lines.push(
      `The hybrid kept only ${formatSignificant(hybrid.coresBusy)} cores busy on ${cores}: other programs were ` +
        'taking the CPU, so it had no second core to gain from; run the demo again on a quieter machine.',
    );
  }
  lines.push(
    "Python's answer is the same: multiprocessing with asyncio inside each process. fanout's is " +
      '`inFlight`: `--concurrency threads=NxK` here, `createExecutor({ strategy, concurrency, inFlight })` in code.',
  );
  return lines;
}
