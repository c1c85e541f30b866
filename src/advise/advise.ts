/**
 * The advisor: sample the task sequentially, classify it, search the strategies and levels that could
 * help, and recommend one with its reasons and the projected wall time of the whole job under each.
 */

import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { describe, OptionError } from '../core/errors.js';
import { expectPositiveInteger } from '../core/options.js';
import { adaptiveStart } from './adaptive-start.js';
import type { SampleBank } from './bank.js';
import { Beside } from './beside.js';
import { choose } from './choose.js';
import {
  type BoundsInput,
  boundProjections,
  bounds,
  characterize,
  fillShare,
  hybridInFlight,
  overlapBound,
  tooSmall,
} from './classify.js';
import { hybridFirst, hybridLevels, planLevels } from './levels.js';
import { measureMessages } from './message.js';
import { runSample } from './sample.js';
import { autoHybridStart, search } from './search.js';
import { overBeforeAdvice, workersCannotPay } from './short-job.js';
import { measureStartup } from './startup.js';
import type { TaskRef } from './task-ref.js';
import {
  ASYNC_MAX_CONCURRENCY,
  DEFAULT_BUDGET_MS,
  SAMPLE_BUDGET_MAX_SHARE,
  SAMPLE_BUDGET_SHARE,
  SAMPLE_MAX_TASKS,
  THRESHOLDS,
  WORKERS_PER_CORE_MAX,
} from './thresholds.js';
import type { Advice, AdviseOptions, Probe, SampleFigures, StartupFigures, Verdict } from './types.js';
import { adviceWarnings, type Repeat } from './warnings.js';
import { boundChoiceReason, inputCount } from './words.js';

interface Checked {
  ref: TaskRef;
  inputs: readonly unknown[];
  total: number | null;
  budgetMs: number;
  maxConcurrency: number | undefined;
  maxShareOfJob: number | undefined;
  onProgress: (message: string) => void;
}

function check(options: AdviseOptions): Checked {
  if (options === null || typeof options !== 'object') {
    throw new OptionError(`Expected options to be an object, got \`${describe(options)}\``);
  }
  const { inputs } = options;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new OptionError(`Expected \`inputs\` to be a non-empty array, got \`${describe(inputs)}\``);
  }
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  if (typeof budgetMs !== 'number' || !Number.isFinite(budgetMs) || budgetMs <= 0) {
    throw new OptionError(
      `Expected \`budgetMs\` to be a positive number of ms, got \`${describe(budgetMs)}\``,
    );
  }
  const total = options.total === undefined ? inputs.length : options.total;
  if (total !== null && (typeof total !== 'number' || !Number.isInteger(total) || total < 1)) {
    throw new OptionError(`Expected \`total\` to be a positive integer or null, got \`${describe(total)}\``);
  }
  const share = options.maxShareOfJob;
  if (share !== undefined && (typeof share !== 'number' || !(share > 0))) {
    throw new OptionError(`Expected \`maxShareOfJob\` to be a positive number, got \`${describe(share)}\``);
  }
  return {
    ref: {
      task: options.task,
      export: options.export,
      taskOptions: options.taskOptions,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    },
    inputs,
    total,
    budgetMs,
    maxConcurrency:
      options.maxConcurrency === undefined
        ? undefined
        : expectPositiveInteger('maxConcurrency', options.maxConcurrency),
    maxShareOfJob: share,
    onProgress: options.onProgress ?? (() => {}),
  };
}

/** The sequential sample as the first probe: concurrency 1, speed-up 1. */
function sequentialProbe(sample: SampleFigures): Probe {
  return {
    strategy: 'sequential',
    concurrency: 1,
    inFlight: 1,
    tasks: sample.tasks,
    failed: sample.failed,
    wallMs: sample.wallMs * sample.tasks,
    cpuMs: sample.cpuMs * sample.tasks,
    tasksPerSecond: sample.wallMs > 0 ? 1000 / sample.wallMs : 0,
    p50Ms: sample.p50Ms,
    p95Ms: sample.p95Ms,
    speedup: 1,
    loopShare: sample.busyShare,
  };
}

/**
 * Measures the task on a sample of `inputs` and recommends a strategy and concurrency.
 *
 * The advisor runs the task on some inputs, some of them several times: the task must be safe to
 * repeat on them. With a `bank` (`auto`), the sample and the probes run its fresh inputs first and
 * keep their results as the job's.
 *
 * @example
 * const advice = await advise({ task: './task.js', inputs, budgetMs: 5000 });
 * console.log(advice.verdict.kind, advice.verdict.strategy, advice.verdict.concurrency);
 */
export async function advise(options: AdviseOptions, bank?: SampleBank): Promise<Advice> {
  const { ref, inputs, total, budgetMs, maxConcurrency, maxShareOfJob, onProgress } = check(options);
  const started = performance.now();
  // The budget, capped (for `strategy: 'auto'`) at a share of the job's projected sequential time.
  const allowedMs = (meanWallMs: number): number =>
    maxShareOfJob === undefined || total === null
      ? budgetMs
      : Math.min(budgetMs, maxShareOfJob * total * meanWallMs);
  const cores = availableParallelism();
  const caps = {
    asyncCap: Math.min(maxConcurrency ?? ASYNC_MAX_CONCURRENCY, total ?? Number.POSITIVE_INFINITY),
    workerCap: Math.min(maxConcurrency ?? cores * WORKERS_PER_CORE_MAX, total ?? Number.POSITIVE_INFINITY),
  };
  // As many workers as the job would run on threads. Under `auto` they may start beside the sample
  // (beside.ts), held in the bank; a choice that is not them closes them (auto.ts).
  const workers = Math.max(1, Math.min(cores, caps.workerCap));

  onProgress(`sampling up to ${inputCount(Math.min(inputs.length, SAMPLE_MAX_TASKS + 1))} sequentially`);
  const sampled = await runSample(
    ref,
    inputs,
    (meanWallMs) => ({
      targetMs: allowedMs(meanWallMs) * SAMPLE_BUDGET_SHARE,
      maxMs: allowedMs(meanWallMs) * SAMPLE_BUDGET_MAX_SHARE,
    }),
    bank,
    bank && new Beside(bank, workers, total),
  );
  const sample = sampled.figures;
  // Inputs that failed in the sample may fail again in a probe, where they would read as its failures.
  if (sample.failed > 0) bank?.stopFresh();
  const deadline = started + allowedMs(sample.wallMs);
  const message = measureMessages(sampled.inputs, sampled.outputs);
  // Under `auto`, a task that mostly waits starts at once under an adaptive limit (adaptive-start.ts).
  const waiting = bank ? adaptiveStart(sample, caps.asyncCap) : null;
  const character = characterize(sample, waiting === null ? 'probes' : 'adaptive');
  const startup: StartupFigures = {
    inProcessMs: Math.max(0, sample.firstTaskMs - sample.wallMs),
    threadsMs: null,
    processesMs: null,
  };
  const notes: string[] = [];
  const probes: Probe[] = [sequentialProbe(sample)];
  const pastKnee: Probe[] = [];
  const repeats: Repeat[] = [];
  const finish = (
    verdict: Omit<Verdict, 'warnings' | 'settled'>,
    projections: Advice['projections'],
  ): Advice => ({
    verdict: { ...verdict, ...adviceWarnings({ sample, probes, pastKnee, repeats }) },
    measurements: {
      total,
      cores,
      budgetMs,
      elapsedMs: performance.now() - started,
      sample,
      message,
      startup,
      thresholds: THRESHOLDS,
    },
    probes,
    projections,
  });

  // Under `auto`, the job's size known: a rest too short for more advice to pay is run at once
  // (short-job.ts), before any worker is started.
  const shortInput =
    bank && total !== null
      ? {
          kind: character.kind,
          sample,
          total,
          kept: bank.kept.size,
          sampledMs: performance.now() - started,
          cores,
          ...caps,
        }
      : null;
  const short = shortInput && (overBeforeAdvice(shortInput) ?? workersCannotPay(shortInput));
  if (short && total !== null) {
    const sequentialMs = startup.inProcessMs + total * sample.wallMs;
    const overlap = Math.min(short.concurrency, overlapBound(sample.busyShare));
    return finish(
      {
        kind: short.strategy === 'sequential' ? 'too-small' : character.kind,
        strategy: short.strategy,
        concurrency: short.concurrency,
        inFlight: 1,
        reasons: [...characterize(sample, 'none').reasons, ...short.reasons],
      },
      [
        ...(short.strategy === 'async'
          ? [
              {
                strategy: 'async' as const,
                concurrency: short.concurrency,
                wallMs: startup.inProcessMs + (total * sample.wallMs) / overlap,
                basis: 'bound' as const,
              },
            ]
          : []),
        { strategy: 'sequential', concurrency: 1, wallMs: sequentialMs, basis: 'probe' },
      ],
    );
  }

  // A job shorter than a worker thread's start-up is too small, whatever its kind: time one. Under
  // `auto`, not for a task that mostly waits: async, which starts at no cost, is its model, and the
  // search times a worker if it comes to probe one.
  if (!bank || character.kind !== 'io-bound') {
    onProgress('timing the start-up of a worker thread');
    // Under `auto`, as many workers as the job would run on threads, kept warm for it (startup.ts):
    // for a task that also waits, with the hybrid's tasks in flight at its bound (and top level).
    const fill = fillShare(sample);
    const levels = character.kind === 'mixed' ? hybridLevels(fill, workers, caps.asyncCap) : [];
    // Under `auto`, the hybrid's first probed level (its probe borrows them), else its bound's.
    const inFlight =
      levels.length === 0
        ? 1
        : bank
          ? levels[autoHybridStart(levels)]!
          : hybridInFlight(fill, caps.asyncCap, workers);
    const threadStart = await measureStartup(ref, 'threads', sampled.inputs[0], sample.wallMs, bank, {
      workers,
      inFlight,
    });
    startup.threadsMs = threadStart.ms; // when it failed, the search tries once more and says why
    if (threadStart.rest) startup.threadsRest = true;
  }
  const boundsInput: BoundsInput | null =
    total === null ? null : { kind: character.kind, sample, message, startup, total, cores, ...caps };
  const small = boundsInput && tooSmall(boundsInput);
  if (small) {
    return finish(
      {
        kind: 'too-small',
        strategy: 'sequential',
        concurrency: 1,
        inFlight: 1,
        reasons: [...character.reasons, ...notes, ...small.reasons],
      },
      small.projections,
    );
  }
  if (waiting) {
    return finish(
      {
        kind: 'io-bound',
        strategy: 'async',
        concurrency: waiting.initial,
        inFlight: 1,
        adaptive: { min: waiting.min, max: waiting.max, floorMs: waiting.floorMs },
        reasons: [...character.reasons, ...notes, waiting.reason],
      },
      boundsInput ? boundProjections(boundsInput, bounds(boundsInput)) : [],
    );
  }

  const planned = planLevels({
    kind: character.kind,
    cores,
    busyShare: sample.busyShare,
    fillShare: fillShare(sample),
    total,
    maxConcurrency,
  });
  // `auto` wants the answer soon; `fanout advise` measures every model in the plan's order.
  const plan = bank ? hybridFirst(planned, sample.busyShare) : planned;
  const found = await search({
    ref,
    plan,
    inputs: sampled.inputs,
    sample,
    baseline: probes[0]!,
    startup,
    cores,
    deadline,
    total,
    ...(bank ? { bank } : {}),
    onProgress,
  });
  // The sequential probe, measured with `map` like the others, replaces the sample's figures.
  if (found.sequential) probes[0] = found.sequential;
  probes.push(...found.probes);
  notes.push(...found.notes);
  pastKnee.push(...found.pastKnee);
  repeats.push(...found.repeats);

  if (found.probes.length === 0 && boundsInput) {
    // Nothing but the sample was measured: the best the start-ups allow, said to be a bound.
    const list = bounds(boundsInput);
    const projections = boundProjections(boundsInput, list);
    const best = projections[0]!;
    return finish(
      {
        kind: character.kind,
        strategy: best.strategy,
        concurrency: best.concurrency,
        inFlight: best.inFlight ?? 1,
        reasons: [
          ...character.reasons,
          ...notes,
          boundChoiceReason(projections, boundsInput.total, sample.wallMs),
        ],
      },
      projections,
    );
  }
  const choice = choose({
    kind: character.kind,
    probes,
    pastKnee: found.pastKnee,
    startup,
    message,
    total,
    cores,
  });
  return finish(
    {
      kind: choice.kind,
      strategy: choice.strategy,
      concurrency: choice.concurrency,
      inFlight: choice.inFlight,
      reasons: [...character.reasons, ...notes, ...choice.reasons],
    },
    choice.projections,
  );
}
