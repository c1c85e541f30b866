import type { TaskContext } from '../core/types.js';

/**
 * The context handed to each task. The AbortSignal is made only when a task reads it:
 * most tasks never do, and an AbortController per task would cost more than a no-op task itself.
 */
export class Context implements TaskContext {
  readonly workerId: number;
  /** Set for each task: a worker's context serves the tasks of a chunk, and tasks in turn. */
  index = 0;
  readonly state: unknown;
  readonly options: unknown;
  #controller: AbortController | undefined;
  #reason: unknown;

  constructor(workerId: number, state: unknown, options: unknown) {
    this.workerId = workerId;
    this.state = state;
    this.options = options;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** True while nobody has read the signal or aborted it: the context can serve the next task. */
  get pristine(): boolean {
    return this.#controller === undefined && this.#reason === undefined;
  }

  abort(reason: unknown): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
