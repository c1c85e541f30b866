/**
 * From the probes to a recommendation and the projections: a pure function of the measured figures.
 */
import type { StrategyName } from '../core/options.js';
import { formatBytes, formatLongDuration, formatPercent, formatRate, formatRatio } from '../core/units.js';
import type { Character } from './classify.js';
import { PLATEAU_TOLERANCE, WORKER_START_FLOOR_MS } from './thresholds.js';
import type { MessageFigures, Probe, Projection, StartupFigures, VerdictKind } from './types.js';
import { inputCount, model, startingThreads } from './words.js';

/**
 * Cheapest first, in start-up, memory per worker and message cost (docs/choosing.md has the figures);
 * the hybrid (threads with several tasks in flight on each) is threads with more sockets and memory.
 */
const COST_ORDER = ['sequential', 'async', 'threads', 'hybrid', 'processes', 'distributed'] as const;

/** Which of COST_ORDER a probe measured. */
function modelKey(probe: Probe): (typeof COST_ORDER)[number] {
  return probe.inFlight > 1 ? 'hybrid' : probe.strategy;
}

/** Where a model stands in COST_ORDER: lower is cheaper. */
export function costRank(strategy: StrategyName, inFlight = 1): number {
  return COST_ORDER.indexOf(inFlight > 1 ? 'hybrid' : strategy);
}

/** Tasks in flight at once under a probe's model: what `pickLevel` keeps low. */
function slots(probe: Probe): number {
  return probe.concurrency * probe.inFlight;
}

export interface ChooseInput {
  kind: Character;
  /** Every probe, the sequential one included. */
  probes: readonly Probe[];
  /** Probes the search found past a knee: never recommended. */
  pastKnee?: readonly Probe[];
  startup: StartupFigures;
  message: MessageFigures;
  total: number | null;
  cores: number;
}

export interface Choice {
  kind: VerdictKind;
  strategy: StrategyName;
  concurrency: number;
  inFlight: number;
  reasons: string[];
  projections: Projection[];
}

/** The fixed cost of a model at a level: loading in-process, or starting the workers (a batch per core). */
export function startupMs(
  strategy: StrategyName,
  concurrency: number,
  startup: StartupFigures,
  cores: number,
): number | null {
  if (strategy === 'sequential' || strategy === 'async') return startup.inProcessMs;
  const one = strategy === 'threads' ? startup.threadsMs : startup.processesMs;
  if (one === null) return null;
  const batches = Math.ceil(concurrency / cores);
  // The rest of a start-up begun beside the sample is the held workers' (a batch); any more start anew.
  if (strategy === 'threads' && startup.threadsRest) {
    return one + Math.max(one, WORKER_START_FLOOR_MS) * (batches - 1);
  }
  return one * batches;
}

export interface Scored {
  probe: Probe;
  /** Lower is better: projected wall time for the job, or time per task when the job's size is unknown. */
  score: number;
  wallMs: number | null;
}

function scoreProbe(probe: Probe, input: ChooseInput): Scored | null {
  if (probe.tasksPerSecond <= 0 || probe.failed >= probe.tasks) return null;
  const fixed = startupMs(probe.strategy, probe.concurrency, input.startup, input.cores);
  if (fixed === null) return null;
  if (input.total === null) return { probe, score: 1000 / probe.tasksPerSecond, wallMs: null };
  const wallMs = fixed + (input.total / probe.tasksPerSecond) * 1000;
  return { probe, score: wallMs, wallMs };
}

const within = (score: number, best: number): boolean => score <= best * (1 + PLATEAU_TOLERANCE);

/**
 * The best of a model's levels: the lowest level within the tolerance of its best score. For the
 * hybrid, the highest: its levels are tasks in flight on the same workers, which cost a little memory
 * each, and on a plateau the one with the most in flight has the most headroom for a wait that grows
 * (a slower server, a longer queue) before its loops run dry.
 */
export function pickLevel(scored: readonly Scored[]): Scored {
  const best = Math.min(...scored.map((s) => s.score));
  const most = scored[0] !== undefined && modelKey(scored[0].probe) === 'hybrid';
  return scored
    .filter((s) => within(s.score, best))
    .reduce((a, b) => ((most ? slots(b.probe) > slots(a.probe) : slots(b.probe) < slots(a.probe)) ? b : a));
}

export function choose(input: ChooseInput): Choice {
  const { probes, total } = input;
  const sequential = probes.find((p) => p.strategy === 'sequential')!;
  // A probe whose tasks failed where the sequential sample's did not is not a candidate: it broke something.
  const eligible = probes.filter(
    (p) => (p.failed === 0 || sequential.failed > 0) && !(input.pastKnee ?? []).includes(p),
  );
  const picks: Scored[] = [];
  for (const key of COST_ORDER) {
    const scored = eligible
      .filter((p) => modelKey(p) === key)
      .map((p) => scoreProbe(p, input))
      .filter((s): s is Scored => s !== null);
    if (scored.length > 0) picks.push(pickLevel(scored));
  }
  const best = Math.min(...picks.map((s) => s.score));
  const winner = picks.find((s) => within(s.score, best))!; // picks are in COST_ORDER: the cheapest tie wins
  const fastest = picks.find((s) => s.score === best)!;
  const seq = picks.find((s) => s.probe.strategy === 'sequential') ?? winner;
  const projections: Projection[] =
    total === null
      ? []
      : picks
          .map(
            (s): Projection => ({
              strategy: s.probe.strategy,
              concurrency: s.probe.concurrency,
              ...(s.probe.inFlight > 1 ? { inFlight: s.probe.inFlight } : {}),
              wallMs: s.wallMs!,
              basis: 'probe',
            }),
          )
          .sort((a, b) => a.wallMs - b.wallMs);

  const reasons = [measuredLine(picks)];
  const chosen = winner.probe;
  let kind: VerdictKind = input.kind;
  if (chosen.strategy === 'sequential') {
    const faster = picks.find(
      (s) => s.probe.tasksPerSecond > sequential.tasksPerSecond * (1 + PLATEAU_TOLERANCE),
    );
    if (faster && total !== null) {
      kind = 'too-small';
      const p = faster.probe;
      reasons.push(
        `${model(p.strategy, p.concurrency, p.inFlight)} ran ${formatRatio(p.speedup)} as fast per task, but over ${inputCount(total)} ` +
          `it projects ${formatLongDuration(faster.wallMs!)} against ${formatLongDuration(seq.wallMs!)} sequentially, its start-up ` +
          `(${formatLongDuration(startupMs(p.strategy, p.concurrency, input.startup, input.cores)!)}, measured) included: ` +
          'too small to be worth parallelising. Run it sequentially ("premature optimization is the root of all evil", Knuth).',
      );
    } else {
      reasons.push(
        `No model measured more than ${formatPercent(PLATEAU_TOLERANCE)} faster than sequential: parallelism does not ` +
          'pay for this task here, so keep it simple and run it sequentially.',
      );
    }
  } else {
    reasons.push(recommendation(winner, seq, total));
    if (fastest !== winner) {
      reasons.push(
        `${model(fastest.probe.strategy, fastest.probe.concurrency, fastest.probe.inFlight)} measured ${formatPercent(winner.score / best - 1)} ` +
          `better, within the ${formatPercent(PLATEAU_TOLERANCE)} counted as equal: ${model(chosen.strategy, chosen.concurrency, chosen.inFlight)} is cheaper` +
          costWords(chosen.strategy, fastest.probe.strategy, input.startup) +
          '.',
      );
    }
    const higher = eligible
      .filter((p) => modelKey(p) === modelKey(chosen) && slots(p) > slots(chosen))
      .map((p) => scoreProbe(p, input))
      .filter((x): x is Scored => x !== null)
      .sort((a, b) => a.score - b.score)[0];
    if (higher) reasons.push(higherLine(higher, winner));
    const lower = plateauBelow(eligible, winner, input);
    if (lower) reasons.push(plateauLine(lower, winner));
  }
  const workers = picks.filter((s) => s.probe.strategy === 'threads' || s.probe.strategy === 'processes');
  if (workers.length > 0) reasons.push(messageLine(input.message, eligible));
  if (modelKey(chosen) === 'hybrid') reasons.push(hybridLine(chosen, eligible, input.cores));
  return {
    kind,
    strategy: chosen.strategy,
    concurrency: chosen.concurrency,
    inFlight: chosen.inFlight,
    reasons,
    projections,
  };
}

/** Why the hybrid: what one loop and plain workers reached, against it. */
function hybridLine(chosen: Probe, probes: readonly Probe[], cores: number): string {
  const best = (key: string): Probe | undefined =>
    probes.filter((p) => modelKey(p) === key).sort((a, b) => b.tasksPerSecond - a.tasksPerSecond)[0];
  const parts: string[] = [];
  const asyncBest = best('async');
  if (asyncBest) {
    parts.push(
      `async peaked at ${formatRate(asyncBest.tasksPerSecond, 'tasks')} with its one event loop ${formatPercent(asyncBest.loopShare)} busy`,
    );
  }
  const threadsBest = best('threads');
  if (threadsBest) {
    parts.push(
      `threads with one task per worker at ${formatRate(threadsBest.tasksPerSecond, 'tasks')}, idle through every wait`,
    );
  }
  const others = parts.length > 0 ? `${parts.join('; ')}. ` : '';
  return (
    `The task both waits and computes: ${others}${model(chosen.strategy, chosen.concurrency, chosen.inFlight)} ` +
    `(${chosen.concurrency} workers on ${cores} cores, ${chosen.inFlight} tasks in flight on each) ran ` +
    `${formatRate(chosen.tasksPerSecond, 'tasks')}, its loops ${formatPercent(chosen.loopShare)} busy: it overlaps the waits and uses every core.`
  );
}

/** The hybrid's lowest level within the tolerance of the chosen one, which has more in flight. */
function plateauBelow(probes: readonly Probe[], chosen: Scored, input: ChooseInput): Scored | undefined {
  if (modelKey(chosen.probe) !== 'hybrid') return undefined;
  return probes
    .filter((p) => modelKey(p) === 'hybrid' && slots(p) < slots(chosen.probe))
    .map((p) => scoreProbe(p, input))
    .filter((x): x is Scored => x !== null && within(x.score, chosen.score))
    .sort((a, b) => slots(a.probe) - slots(b.probe))[0];
}

/** Why the hybrid's level with the most in flight won a plateau. */
function plateauLine(lower: Scored, chosen: Scored): string {
  const l = lower.probe;
  const c = chosen.probe;
  return (
    `${model(l.strategy, l.concurrency, l.inFlight)} measured ${formatRate(l.tasksPerSecond, 'tasks')} against ` +
    `${formatRate(c.tasksPerSecond, 'tasks')}, within the ${formatPercent(PLATEAU_TOLERANCE)} counted as equal: on a plateau ` +
    `the hybrid keeps the most tasks in flight, for headroom should the wait grow.`
  );
}

/** Why a higher level of the chosen strategy lost. */
function higherLine(higher: Scored, chosen: Scored): string {
  const h = higher.probe;
  const c = chosen.probe;
  if (h.tasksPerSecond > c.tasksPerSecond * (1 + PLATEAU_TOLERANCE) && higher.wallMs !== null) {
    return (
      `${model(h.strategy, h.concurrency, h.inFlight)} ran faster (${formatRate(h.tasksPerSecond, 'tasks')} against ${formatRate(c.tasksPerSecond, 'tasks')}), ` +
      `but over the whole job it projects ${formatLongDuration(higher.wallMs)} against ${formatLongDuration(chosen.wallMs!)}: within ` +
      `${formatPercent(PLATEAU_TOLERANCE)}, so the lower level is enough.`
    );
  }
  return (
    `More in flight did not pay: ${model(h.strategy, h.concurrency, h.inFlight)} ran ${formatRate(h.tasksPerSecond, 'tasks')} against ` +
    `${formatRate(c.tasksPerSecond, 'tasks')} at ${c.inFlight > 1 ? `${c.concurrency}×${c.inFlight}` : c.concurrency}` +
    (h.p95Ms > c.p95Ms * (1 + PLATEAU_TOLERANCE)
      ? `, with 95th-percentile task times of ${formatLongDuration(h.p95Ms)} against ${formatLongDuration(c.p95Ms)}.`
      : '.')
  );
}

function measuredLine(picks: readonly Scored[]): string {
  const parts = [...picks]
    .sort((a, b) => b.probe.tasksPerSecond - a.probe.tasksPerSecond)
    .map(({ probe: p }) => {
      if (p.strategy === 'sequential') return `sequential ${formatRate(p.tasksPerSecond, 'tasks')}`;
      const speed = `${formatRatio(p.speedup)} sequential`;
      // Parallel efficiency: the speed-up per worker (not for the hybrid, whose workers each run many).
      const efficiency =
        (p.strategy === 'threads' || p.strategy === 'processes') && p.inFlight === 1
          ? `, ${formatPercent(p.speedup / p.concurrency)} efficiency`
          : '';
      return `${model(p.strategy, p.concurrency, p.inFlight)} ${formatRate(p.tasksPerSecond, 'tasks')} (${speed}${efficiency})`;
    });
  // Failed inputs are the verdict's warnings (warnings.ts), not a clause here.
  return `Measured throughput, each model at its best level: ${parts.join('; ')}.`;
}

function recommendation(winner: Scored, seq: Scored, total: number | null): string {
  const p = winner.probe;
  if (total === null || winner.wallMs === null || seq.wallMs === null) {
    return `Recommended: ${model(p.strategy, p.concurrency, p.inFlight)}, the best measured throughput (the job's size is unknown, so there is no projection).`;
  }
  return (
    `Recommended: ${model(p.strategy, p.concurrency, p.inFlight)}, projected ${formatLongDuration(winner.wallMs)} for ${inputCount(total)} ` +
    `against ${formatLongDuration(seq.wallMs)} sequentially (${formatRatio(seq.wallMs / winner.wallMs)} faster, start-up included).`
  );
}

function costWords(cheap: StrategyName, dear: StrategyName, startup: StartupFigures): string {
  if (
    cheap === 'threads' &&
    dear === 'processes' &&
    startup.threadsMs !== null &&
    startup.processesMs !== null
  ) {
    const threads = startup.threadsRest
      ? `${startingThreads(true)} took ${formatLongDuration(startup.threadsMs)}`
      : `a worker thread started in ${formatLongDuration(startup.threadsMs)}`;
    return ` (${threads}, a child process in ${formatLongDuration(startup.processesMs)}, measured)`;
  }
  if (cheap === 'async' || cheap === 'sequential') return ' (no workers to start, no messages to copy)';
  return '';
}

/**
 * Threads faster than processes at one level, and why only where the figures say: a process copies
 * every message through a pipe, which costs it at least the clone of the task's messages; that is
 * named the cause only where it comes to half the difference per task at least.
 */
export function threadsFasterWords(
  threadsRate: number,
  processesRate: number,
  cloneMs: number,
  level: number,
): string {
  const threadMs = 1000 / threadsRate;
  const processMs = 1000 / processesRate;
  const differenceMs = processMs - threadMs;
  const faster =
    `Threads ran ${formatPercent(threadsRate / processesRate - 1)} faster than processes at ${level} ` +
    `(a task every ${formatLongDuration(threadMs)} against ${formatLongDuration(processMs)})`;
  if (cloneMs * 2 >= differenceMs) {
    return `${faster}: a process must also copy every message through a pipe, and cloning a task's messages alone costs ${formatLongDuration(cloneMs)}, half the difference or more.`;
  }
  return (
    `${faster}. Copying messages does not account for it: cloning a task's messages costs ${formatLongDuration(cloneMs)}, ` +
    `against ${formatLongDuration(differenceMs)} a task between them; these figures do not say why.`
  );
}

function messageLine(message: MessageFigures, probes: readonly Probe[]): string {
  let line =
    `Each task's input and output average ${formatBytes(message.inputBytes)} and ${formatBytes(message.outputBytes)} ` +
    `serialized; cloning them costs ${formatLongDuration(message.cloneMs)} per task, which every message to a worker pays.`;
  // Threads against processes at the highest level both were probed at: like against like.
  const level = Math.max(
    0,
    ...probes
      .filter((p) => p.strategy === 'processes' && p.inFlight === 1)
      .map((p) => p.concurrency)
      .filter((c) => probes.some((p) => modelKey(p) === 'threads' && p.concurrency === c)),
  );
  const threads = probes.find((p) => modelKey(p) === 'threads' && p.concurrency === level);
  const processes = probes.find((p) => modelKey(p) === 'processes' && p.concurrency === level);
  if (!threads || !processes || processes.tasksPerSecond <= 0) return line;
  const ratio = threads.tasksPerSecond / processes.tasksPerSecond;
  const at = `at ${level}`;
  if (ratio > 1 + PLATEAU_TOLERANCE) {
    line += ` ${threadsFasterWords(threads.tasksPerSecond, processes.tasksPerSecond, message.cloneMs, level)}`;
  } else if (ratio < 1 / (1 + PLATEAU_TOLERANCE)) {
    line += ` Processes ran ${formatPercent(1 / ratio - 1)} faster than threads ${at}.`;
  } else {
    line += ` Threads and processes measured within ${formatPercent(PLATEAU_TOLERANCE)} of each other ${at}.`;
  }
  return line;
}
