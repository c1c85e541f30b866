/**
 * The engine behind `sequential` and `async`: tasks run in the calling process, on its event loop,
 * with at most `concurrency` in flight. One "worker" (id 0): one `setup`, one `teardown`.
 *
 * Inputs and outputs are held to the same rule as in a worker (they must survive structured
 * cloning), so a task that works here works under threads and processes too.
 */

import { now } from '../core/clock.js';
import { Deque } from '../core/deque.js';
import {
  AbortError,
  ClosedError,
  deserializeError,
  inputNotCloneable,
  outputNotCloneable,
  type SetupError,
  serializeError,
  setupFailed,
  setupTimedOut,
  type TaskLoadError,
  taskAborted,
  taskFailed,
  taskNotRun,
  taskTimedOut,
  teardownTimedOut,
  teardownWarning,
} from '../core/errors.js';
import type { ResolvedOptions, StrategyName } from '../core/options.js';
import type { TimelineEntry, WorkerUsage } from '../core/types.js';
import { cloneProblem, isThenable } from '../core/values.js';
import { Context } from '../task/context.js';
import { taskLabel } from '../task/label.js';
import { type LoadedTask, loadTask } from '../task/load.js';
import type { LimitOutcome } from './limiter.js';
import { MovingLimit } from './moving-limit.js';
import { type ItemCallback, type MapHandle, type Strategy, TaskRequest } from './strategy.js';

/**
 * Whether `work` settled within `ms` (rethrowing its error); false when the time ran out first. The
 * timer keeps the process alive, so a hung setup or teardown ends in an error, not in a silent exit.
 */
async function withinTime(work: unknown, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.resolve(work).then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The tasks of one map: when it fails fast, the rest are not started and the running ones are aborted. */
interface MapGroup {
  cancelled: boolean;
  running: Set<Context>;
}

export class InProcessStrategy implements Strategy {
  readonly name: StrategyName;
  readonly concurrency: number;
  readonly adaptive: MovingLimit | undefined;
  readonly #options: ResolvedOptions;
  readonly #label: string;
  readonly #queue = new Deque<TaskRequest>();
  readonly #timeline: TimelineEntry[] | null;
  #loaded: Promise<void> | undefined;
  #task: LoadedTask | undefined;
  #state: unknown;
  #broken: Error | undefined;
  #running = 0;
  /** Tasks allowed in flight now: `concurrency`, or where the adaptive limit has moved to. */
  #limit: number;
  #pumping = false;
  #closing = false;
  #closed: Promise<void> | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(name: 'sequential' | 'async', options: ResolvedOptions) {
    this.name = name;
    this.concurrency = options.concurrency;
    this.adaptive =
      options.adaptive === undefined
        ? undefined
        : new MovingLimit(options.adaptive, options.concurrency, now(), options.adaptiveFloorMs);
    this.#limit = this.adaptive?.now() ?? options.concurrency;
    this.#options = options;
    this.#label = taskLabel(options.taskUrl);
    this.#timeline = options.timeline ? [] : null;
  }

  submit(request: TaskRequest): void {
    if (this.#broken) {
      request.done(request, this.#broken, undefined);
      return;
    }
    if (this.#closing) {
      request.done(request, new ClosedError(), undefined);
      return;
    }
    this.#queue.push(request);
    if (this.#task) this.#pump();
    else this.#load();
  }

  mapArray(inputs: readonly unknown[], onItem: ItemCallback): MapHandle {
    const group: MapGroup = { cancelled: false, running: new Set() };
    const done = (request: TaskRequest, error: Error | undefined, value: unknown): void => {
      if (!group.cancelled) onItem(request.index, error, value);
    };
    for (let index = 0; index < inputs.length; index++) {
      const request = new TaskRequest(inputs[index], index, undefined, this.#options.timeout, done);
      request.holder = group;
      this.submit(request);
    }
    return {
      cancel: () => {
        group.cancelled = true;
        const reason = new AbortError('its map failed on another input', -1);
        for (const context of group.running) context.abort(reason);
      },
    };
  }

  capacityHint(): number {
    return this.#limit * 2;
  }

  timeline(): TimelineEntry[] {
    return this.#timeline ?? [];
  }

  async usage(): Promise<WorkerUsage> {
    return { childCpuUser: 0, childCpuSystem: 0, childRss: 0, workersStarted: 1 };
  }

  close(): Promise<void> {
    this.#closing = true;
    this.#closed ??= (async () => {
      if (this.#running > 0 || this.#queue.length > 0) {
        await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      }
      if (this.#task?.teardown) {
        const { teardownTimeout } = this.#options;
        try {
          const done = await withinTime(this.#task.teardown(this.#state), teardownTimeout);
          if (!done) process.emitWarning(teardownTimedOut(this.#label, teardownTimeout));
        } catch (error) {
          process.emitWarning(teardownWarning(this.#label, error));
        }
      }
    })();
    return this.#closed;
  }

  #load(): void {
    this.#loaded ??= (async () => {
      try {
        const task = await loadTask(this.#options.taskUrl, this.#options.exportName);
        if (task.setup) {
          const { setupTimeout } = this.#options;
          let finished: boolean;
          try {
            const setup = Promise.resolve(task.setup({ workerId: 0, options: this.#options.taskOptions }));
            finished = await withinTime(
              setup.then((state) => {
                this.#state = state;
              }),
              setupTimeout,
            );
          } catch (error) {
            throw setupFailed(this.#label, error);
          }
          if (!finished) throw setupTimedOut(this.#label, setupTimeout);
        }
        this.#task = task;
      } catch (error) {
        this.#broken = error as TaskLoadError | SetupError;
        for (const request of this.#queue.drain()) request.done(request, this.#broken, undefined);
        this.#wakeIfIdle();
        return;
      }
      this.#pump();
    })();
  }

  #pump(): void {
    // Synchronous tasks complete inside #start: loop here instead of recursing through #finish.
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#running < this.#limit && this.#queue.length > 0) this.#start(this.#queue.shift()!);
    } finally {
      this.#pumping = false;
    }
    this.#wakeIfIdle();
  }

  #start(request: TaskRequest): void {
    const { index, signal, timeout } = request;
    const group = request.holder as MapGroup | null;
    if (group?.cancelled) {
      request.done(request, taskNotRun(this.#label, index), undefined);
      return;
    }
    if (signal?.aborted) {
      request.done(request, taskAborted(this.#label, index, signal.reason), undefined);
      return;
    }
    const problem = cloneProblem(request.input);
    if (problem !== undefined) {
      request.done(request, inputNotCloneable(index, 'in-process', problem), undefined);
      return;
    }
    const context = new Context(0, this.#state, this.#options.taskOptions);
    context.index = index;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const start = now();
    let inFlight = 0;
    const finish = (error: Error | undefined, value: unknown, outcome?: LimitOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.#running--;
      const end = now();
      this.#timeline?.push({ workerId: 0, index, start, end });
      // An abort by the caller says nothing about the service: it is not a sample.
      if (this.adaptive && outcome !== undefined) {
        this.#limit = this.adaptive.sample({ start, end, inFlight, outcome });
      }
      request.done(request, error, value);
      this.#pump();
    };
    // A task that ignores its signal keeps running in the background; the caller is not kept waiting.
    const onAbort = (): void => {
      const error = taskAborted(this.#label, index, signal?.reason);
      context.abort(error);
      finish(error, undefined);
    };
    if (timeout !== undefined) {
      timer = setTimeout(() => {
        const error = taskTimedOut(this.#label, index, timeout);
        context.abort(error);
        finish(error, undefined, 'timeout');
      }, timeout);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    inFlight = ++this.#running;
    const succeed = (value: unknown): void => {
      const outputProblem = cloneProblem(value);
      if (outputProblem === undefined) {
        finish(undefined, value, 'ok');
        return;
      }
      finish(outputNotCloneable(this.#label, index, 'in-process', outputProblem), undefined, 'error');
    };
    const fail = (thrown: unknown): void => {
      // A thrown non-Error becomes the same NonError a worker would send, so causes match everywhere.
      const cause = thrown instanceof Error ? thrown : deserializeError(serializeError(thrown));
      finish(taskFailed(this.#label, index, cause), undefined, 'error');
    };
    let result: unknown;
    try {
      result = this.#task!.fn(request.input, context);
    } catch (error) {
      fail(error);
      return;
    }
    if (isThenable(result)) {
      if (group) {
        group.running.add(context);
        result.then(
          (value) => {
            group.running.delete(context);
            succeed(value);
          },
          (error) => {
            group.running.delete(context);
            fail(error);
          },
        );
        return;
      }
      result.then(succeed, fail);
    } else {
      succeed(result);
    }
  }

  #wakeIfIdle(): void {
    if (this.#running === 0 && this.#queue.length === 0)
      for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}

/** One task after another in the calling process: the baseline every speed-up is measured against. */
export function createSequential(options: ResolvedOptions): Strategy {
  return new InProcessStrategy('sequential', { ...options, concurrency: 1 });
}

/** Many tasks in flight on the calling process's event loop: the asyncio of Node, best for I/O. */
export function createAsync(options: ResolvedOptions): Strategy {
  return new InProcessStrategy('async', options);
}
