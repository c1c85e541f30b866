/**
 * The fixed cost of a worker: a one-worker executor created and timed until its first result, with
 * the user's own task (so loading the module and its `setup` in the worker are counted), less the
 * task's own mean time. Timed STARTUP_SAMPLES times, keeping the least: a busy machine only ever
 * slows a start-up down, and one slow sample must not decide that a job is too small.
 */
import { performance } from 'node:perf_hooks';
import type { Settled } from '../core/types.js';
import { createExecutor } from '../executor/executor.js';
import type { SampleBank } from './bank.js';
import type { TaskRef } from './task-ref.js';

/** How many times a start-up is timed… */
export const STARTUP_SAMPLES = 2;
/** …under `auto`, where each timing costs the job a worker's start-up: once (the probes time it again). */
export const AUTO_STARTUP_SAMPLES = 1;

export async function measureStartup(
  ref: TaskRef,
  strategy: 'threads' | 'processes',
  input: unknown,
  taskMs: number,
  bank?: SampleBank,
  warmAs: { workers: number; inFlight: number } = { workers: 1, inFlight: 1 },
): Promise<{ ms: number | null; error?: string; rest?: boolean }> {
  const warm = bank ? await timeWarm(bank, strategy, warmAs, input, taskMs) : null;
  if (warm !== null) return warm;
  let best: number | null = null;
  const samples = bank ? AUTO_STARTUP_SAMPLES : STARTUP_SAMPLES;
  for (let i = 0; i < samples; i++) {
    // Under `auto`, a fresh input where there is one: its result is the job's.
    const drawn = bank?.draw(1, [input]);
    let result = await timeStartup(ref, strategy, drawn?.inputs[0] ?? input, taskMs);
    if (drawn && result.ms !== null) bank!.keep(drawn.fresh[0]!, result.value);
    // A fresh input may fail on its own account: only the known-good one's failure says the model cannot start.
    else if (drawn && drawn.fresh[0] !== -1) result = await timeStartup(ref, strategy, input, taskMs);
    if (result.ms === null) return result;
    best = best === null ? result.ms : Math.min(best, result.ms);
  }
  return { ms: best };
}

async function timeStartup(
  ref: TaskRef,
  strategy: 'threads' | 'processes',
  input: unknown,
  taskMs: number,
): Promise<{ ms: number | null; error?: string; value?: unknown }> {
  const start = performance.now();
  const executor = createExecutor({ ...ref, strategy, concurrency: 1 });
  try {
    const value = await executor.run(input);
    return { ms: Math.max(0, performance.now() - start - taskMs), value };
  } catch (error) {
    return { ms: null, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await executor.close();
  }
}

/**
 * Under `auto`, where the bank can open executors with the job's own options: `workers` workers (the
 * number the job would run, with the tasks in flight on each it would likely run) timed on as many
 * inputs at once (fresh ones, kept), until the first result, less the task's own mean time; then kept
 * warm in the bank, for the job to adopt if they are what it chooses. Workers of that configuration
 * already started beside the sample (beside.ts) are timed instead of new ones: what is left of their
 * start-up once the sample is over, which is what the job still pays. Null where there is no such
 * executor, or no input succeeded (the caller then times one worker on the known-good input, as
 * `fanout advise` does).
 */
async function timeWarm(
  bank: SampleBank,
  strategy: 'threads' | 'processes',
  as: { workers: number; inFlight: number },
  input: unknown,
  taskMs: number,
): Promise<{ ms: number; rest: boolean } | null> {
  const { workers, inFlight } = as;
  const start = performance.now();
  const config = { strategy, concurrency: workers, inFlight };
  // Workers started beside the sample (beside.ts) are timed from here: what is left of their start-up.
  const beside = bank.warmAs(config);
  const executor = beside ?? bank.open(config);
  if (executor === undefined) return null;
  // Workers started beside are held in the bank already: closing them there leaves none listed.
  const drop = (): Promise<void> => (beside ? bank.closeWarm() : executor.close());
  let first: number | undefined;
  let outcomes: Settled<unknown>[];
  const drawn = bank.draw(workers, [input]);
  try {
    outcomes = await Promise.all(
      drawn.inputs.map((one, index) =>
        executor.run(one).then(
          (value): Settled<unknown> => {
            first ??= performance.now();
            return { index, status: 'fulfilled', value };
          },
          (reason: unknown): Settled<unknown> => ({ index, status: 'rejected', reason: reason as Error }),
        ),
      ),
    );
  } catch (error) {
    await drop();
    throw error;
  }
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') bank.keep(drawn.fresh[outcome.index] ?? -1, outcome.value);
  }
  if (first === undefined) {
    await drop();
    return null;
  }
  await bank.hold(executor, config);
  return { ms: Math.max(0, first - start - taskMs), rest: beside !== undefined };
}
