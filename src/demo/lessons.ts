/**
 * What the demo teaches: a few plain lines per job, each resting on a figure measured in this run.
 * Pure: a comparison in, sentences out.
 */
import { formatDuration, formatPercent, formatRatio, formatSignificant } from '../core/units.js';
import type { Comparison, StrategyMeasurement } from '../measure/types.js';
import { clearWinner, fasterOrSlower } from '../report/model.js';
import { hybridStarved } from './mixed-lessons.js';

/** A single-threaded loop of pure computation keeps about one core busy; much less means a busy machine. */
const BUSY_CORE = 0.8;

/**
 * The demo's last line, from every job: a model is named only where its runs beat every other's and
 * the machine let them run (on `cores` cores); otherwise it says the runs could not tell, and what to do.
 */
export function inShort(io: Comparison, cpu: Comparison, mixed?: Comparison, cores = 1): string {
  const verdict = (job: string, winner: StrategyMeasurement | undefined): string =>
    winner
      ? `${job} work wants ${winner.name}`
      : `the ${job} job's runs overlap, so they cannot say which model wins (try more --runs on a quieter machine)`;
  const busy = (job: string, figure: string): string =>
    `the ${job} job ran on a busy machine (${figure}), so it cannot say which model wins (try again on a quieter machine)`;
  // A computing job whose sequential run could not keep one core busy was measured on a busy machine:
  // its winner says more about the other programs than about the work (cpuLessons says so too).
  const starved = cpu.strategies.find((s) => s.strategy === 'sequential');
  const computing =
    starved !== undefined && starved.coresBusy < BUSY_CORE
      ? busy('computing', `sequential kept only ${formatSignificant(starved.coresBusy)} cores busy`)
      : verdict('computing', clearWinner(cpu));
  const parts = [verdict('waiting', clearWinner(io)), computing];
  if (mixed) {
    const winner = clearWinner(mixed);
    // Likewise a hybrid that lost without a second core to use (mixedLessons says so too).
    const hybrid = hybridStarved(mixed, cores);
    parts.push(
      hybrid !== undefined
        ? busy('mixed', `the hybrid kept only ${formatSignificant(hybrid.coresBusy)} cores busy on ${cores}`)
        : winner && winner.inFlight > 1
          ? `work that does both wants the hybrid, ${winner.name}`
          : verdict('mixed', winner).replace(/^mixed work/, 'work that does both'),
    );
  }
  return `${parts.join('; ')}.`;
}

function find(c: Comparison, name: string): StrategyMeasurement | undefined {
  return c.strategies.find((s) => s.strategy === name);
}

function startup(s: StrategyMeasurement | undefined): string {
  return s ? formatDuration(s.startupMs.median) : '?';
}

/** Why the I/O job came out as it did. */
export function ioLessons(c: Comparison): string[] {
  const sequential = find(c, 'sequential');
  const asyncRun = find(c, 'async');
  const threads = find(c, 'threads');
  const processes = find(c, 'processes');
  const lines: string[] = [];
  if (sequential) {
    const busy = sequential.cpuMs.median / Math.max(sequential.wallMs.median, 1e-9);
    lines.push(
      `Each download mostly waits: sequential used ${formatDuration(sequential.cpuMs.median)} of CPU in ` +
        `${formatDuration(sequential.wallMs.median)} (${formatPercent(busy)} of its wall time).`,
    );
  }
  if (asyncRun) {
    lines.push(
      `async keeps ${asyncRun.concurrency} requests in flight on one thread` +
        (asyncRun.speedup === undefined
          ? ''
          : ` and ran ${fasterOrSlower(asyncRun.speedup)} than sequential`) +
        (asyncRun.speedup !== undefined && asyncRun.speedup < 1
          ? ': it should not have lost; the machine was likely busy, so run the demo again.'
          : ': waiting costs nothing, and there are no workers to start and no messages to copy.'),
    );
  }
  if (threads && processes) {
    lines.push(
      `threads (${threads.concurrency} workers) and processes (${processes.concurrency}) wait just as well, but only ` +
        `as many at a time as they have workers, after paying start-up: ${startup(threads)} for threads, ` +
        `${startup(processes)} for processes (median).`,
    );
  }
  lines.push(
    "Python's threads help here despite the GIL because waiting releases it; Node's event loop waits on " +
      'many sockets without any threads.',
  );
  return lines;
}

/** Why the CPU job came out as it did. */
export function cpuLessons(c: Comparison, cores: number): string[] {
  const sequential = find(c, 'sequential');
  const asyncRun = find(c, 'async');
  const parallel = ['threads', 'processes'].map((name) => find(c, name)).filter((s) => s !== undefined);
  const lines: string[] = [];
  if (sequential) {
    const figures = `CPU ${formatDuration(sequential.cpuMs.median)} in ${formatDuration(sequential.wallMs.median)} of wall time`;
    lines.push(
      sequential.coresBusy >= BUSY_CORE
        ? `The work is pure computation: sequential kept ${formatSignificant(sequential.coresBusy)} cores busy (${figures}).`
        : `Sequential kept only ${formatSignificant(sequential.coresBusy)} cores busy (${figures}) on work that ` +
            'computes without waiting: other programs were taking the CPU, so every figure here is low and noisy.',
    );
  }
  if (asyncRun?.speedup !== undefined) {
    lines.push(
      `async cannot help (${formatRatio(asyncRun.speedup)} against sequential): one thread computes one task at a ` +
        'time, however many are "in flight".',
    );
  }
  for (const s of parallel) {
    if (s.speedup === undefined) continue;
    lines.push(
      `${s.strategy} ran ${fasterOrSlower(s.speedup)} than sequential on ${cores} cores ` +
        `(${formatPercent(s.speedup / cores)} of the ideal ${cores} ×), after ${startup(s)} of start-up.`,
    );
  }
  lines.push(
    "Unlike CPython's threads, which the GIL keeps to one core for Python code, Node's worker threads run " +
      'JavaScript in parallel; processes do too, at a higher start-up and message cost, but a crash takes ' +
      'down only one of them.',
  );
  return lines;
}
