import { formatCount, formatSignificant } from '../../core/units.js';
import type { ReportStrategy } from './types.js';

/** The four models have their own colours; anything else is drawn in a neutral one. */
const KNOWN_STRATEGIES = new Set(['sequential', 'async', 'threads', 'processes']);

/** The CSS class that carries a strategy's colour (`--c`). Never the raw name: it is user data. */
export function strategyClass(strategy: string): string {
  return KNOWN_STRATEGIES.has(strategy) ? `s-${strategy}` : 's-other';
}

/** What `concurrency` (and tasks in flight per worker) mean for this strategy, in words. */
export function describeConcurrency(strategy: string, concurrency: number, inFlight = 1): string {
  const n = formatCount(concurrency);
  if (inFlight > 1 && (strategy === 'threads' || strategy === 'processes')) {
    const workers = strategy === 'threads' ? 'thread' : 'process';
    const plural = concurrency === 1 ? workers : strategy === 'threads' ? 'threads' : 'processes';
    return `${n} ${plural} × ${formatCount(inFlight)} in flight`;
  }
  switch (strategy) {
    case 'sequential':
      return 'one at a time';
    case 'async':
      return `up to ${n} in flight`;
    case 'threads':
      return concurrency === 1 ? '1 worker thread' : `${n} worker threads`;
    case 'processes':
      return concurrency === 1 ? '1 child process' : `${n} child processes`;
    default:
      return `concurrency ${n}`;
  }
}

/**
 * What a row's concurrency meant, in words: as `describeConcurrency`, or under an adaptive limit what it
 * did, in the terminal's words (`limit between 4 and 18, 11.1 on average`, `limit stayed at 4`;
 * `2 worker threads; tasks in flight per worker between 4 and 19, 7.82 on average`).
 */
export function describeRow(s: ReportStrategy): string {
  const limit = s.limit;
  if (limit === undefined) return describeConcurrency(s.strategy, s.concurrency, s.inFlight);
  const moved = !Number.isFinite(limit.mean)
    ? 'not measured'
    : limit.min === limit.max
      ? `stayed at ${formatCount(limit.min)}`
      : `between ${formatCount(limit.min)} and ${formatCount(limit.max)}, ${formatSignificant(limit.mean)} on average`;
  if (!limit.perWorker) return `limit ${moved}`;
  return `${describeConcurrency(s.strategy, s.concurrency)}; tasks in flight per worker ${moved}`;
}

/** The name a row, a timeline or a chart shows: the configuration's, else the strategy's. */
export function displayName(s: { strategy: string; name?: string }): string {
  return s.name ?? s.strategy;
}

/** What a lane of this strategy's timeline stands for. */
export function laneMeaning(strategy: string, inFlight = 1): string {
  if (inFlight > 1 && (strategy === 'threads' || strategy === 'processes')) {
    return `One lane per task in flight on a worker at the same moment (up to ${formatCount(inFlight)} per worker), the lanes of each worker together.`;
  }
  switch (strategy) {
    case 'sequential':
      return 'One lane: the main thread, one task after another.';
    case 'async':
      return 'One lane per task in flight at the same moment, all on the main thread’s event loop: the height is the concurrency actually reached.';
    case 'threads':
      return 'One lane per worker thread (a replacement worker gets a new lane).';
    case 'processes':
      return 'One lane per child process (a replacement process gets a new lane).';
    default:
      return 'One lane per worker; a worker running several tasks at once gets several lanes.';
  }
}

const VERDICT_LABELS: Record<string, string> = {
  iobound: 'I/O-bound',
  io: 'I/O-bound',
  cpubound: 'CPU-bound',
  cpu: 'CPU-bound',
  mixed: 'mixed',
  toosmall: 'too small to be worth parallelising',
  small: 'too small to be worth parallelising',
  trivial: 'too small to be worth parallelising',
};

/** "io-bound", "IO_BOUND", "ioBound" → "I/O-bound"; an unknown kind is shown as given. */
export function verdictLabel(kind: string): string {
  return VERDICT_LABELS[kind.toLowerCase().replace(/[^a-z]/g, '')] ?? kind;
}
