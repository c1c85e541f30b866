/**
 * The job's sampled inputs under `auto`, and the results the advisor got for them. The sequential
 * sample and the probes draw inputs from here: fresh ones (never run) first, so that their results
 * are the job's own and the executor does not run them again; once the fresh ones run out, or where
 * they may not be used, known-good inputs round and round (their results are thrown away).
 *
 * It also holds the workers warmed while choosing (at most one executor, opened with the job's own
 * options): if they are what was chosen, the job adopts them instead of starting its own.
 */
import type { Executor, OpenConfig } from '../executor/executor.js';

/** A batch drawn for a run: the inputs, and for each the sample index of a fresh one (else -1). */
export interface Draw {
  inputs: unknown[];
  fresh: number[];
}

export class SampleBank {
  readonly #inputs: readonly unknown[];
  readonly #kept = new Map<number, unknown>();
  /** The per-task time-out results must have kept to, in ms: a slower result is not the job's. */
  readonly #timeout: number | undefined;
  #next = 0;
  #repeat = 0;
  #freshAllowed = true;
  readonly #open: ((config: OpenConfig) => Executor) | undefined;
  #warm: { executor: Executor; config: Required<OpenConfig> } | undefined;

  /** `open`: makes an executor with the job's own options, which the job can adopt (see `hold`). */
  constructor(inputs: readonly unknown[], timeout?: number, open?: (config: OpenConfig) => Executor) {
    this.#inputs = inputs;
    this.#timeout = timeout;
    this.#open = open;
  }

  /** An executor of `config` the job could adopt, or undefined when there is no way to open one. */
  open(config: OpenConfig): Executor | undefined {
    return this.#open?.(config);
  }

  /** Keeps an executor `open` made, warm, for the job (closing one kept before). */
  async hold(executor: Executor, config: OpenConfig): Promise<void> {
    const before = this.#warm;
    this.#warm = { executor, config: { inFlight: 1, ...config } };
    if (before?.executor !== executor) await before?.executor.close();
  }

  /** The warm executor, left in the bank, if it runs `config` (workers started beside the sample). */
  warmAs(config: OpenConfig): Executor | undefined {
    const warm = this.#warm?.config;
    return warm?.strategy === config.strategy &&
      warm.concurrency === config.concurrency &&
      warm.inFlight === (config.inFlight ?? 1)
      ? this.#warm!.executor
      : undefined;
  }

  /** Closes the warm executor, if any (the advisor failed: nothing to hand over). */
  async closeWarm(): Promise<void> {
    const warm = this.#warm;
    this.#warm = undefined;
    await warm?.executor.close();
  }

  /**
   * The warm executor, if it runs `choice` (a fixed limit: not an adaptive one); any other is closed.
   * Either way the bank holds none after.
   */
  async takeWarm(choice: Required<OpenConfig> & { adaptive?: unknown }): Promise<Executor | undefined> {
    const warm = this.#warm;
    this.#warm = undefined;
    if (warm === undefined) return undefined;
    const { config } = warm;
    if (
      choice.adaptive === undefined &&
      config.strategy === choice.strategy &&
      config.concurrency === choice.concurrency &&
      config.inFlight === choice.inFlight
    ) {
      return warm.executor;
    }
    await warm.executor.close();
    return undefined;
  }

  /** Sampled inputs never run yet. */
  get freshLeft(): number {
    return this.#freshAllowed ? this.#inputs.length - this.#next : 0;
  }

  /** Results kept, by sample index: the job's own. */
  get kept(): ReadonlyMap<number, unknown> {
    return this.#kept;
  }

  /** The next fresh input in order (the sequential sample walks them one at a time), or undefined. */
  nextFresh(): { index: number; input: unknown } | undefined {
    if (this.freshLeft === 0) return undefined;
    const index = this.#next++;
    return { index, input: this.#inputs[index] };
  }

  /**
   * From now on only `known` inputs (known to succeed) are drawn: inputs that failed in the sample may
   * fail again under a probe and would read as the probe's failures.
   */
  stopFresh(): void {
    this.#freshAllowed = false;
  }

  /** `count` inputs: fresh ones first, then `known` ones round and round. */
  draw(count: number, known: readonly unknown[]): Draw {
    const inputs = new Array<unknown>(count);
    const fresh = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const next = this.nextFresh();
      if (next !== undefined) {
        inputs[i] = next.input;
        fresh[i] = next.index;
      } else {
        inputs[i] = known[this.#repeat++ % known.length];
        fresh[i] = -1;
      }
    }
    return { inputs, fresh };
  }

  /** Keeps a fresh input's result as the job's; not one that took longer than the time-out allows. */
  keep(index: number, value: unknown, wallMs?: number): void {
    if (index < 0) return;
    if (this.#timeout !== undefined && wallMs !== undefined && wallMs > this.#timeout) return;
    this.#kept.set(index, value);
  }
}
