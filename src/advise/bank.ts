/**
 * The job's sampled inputs under `auto`, and the results the advisor got for them. The sequential
 * sample and the probes draw inputs from here: fresh ones (never run) first, so that their results
 * are the job's own and the executor does not run them again; once the fresh ones run out, or where
 * they may not be used, known-good inputs round and round (their results are thrown away).
 *
 * It also holds the workers warmed while choosing (the start-up's, then each probe's: one executor
 * per configuration, opened with the job's own options): if one runs what was chosen, the job adopts
 * it instead of starting its own; the others are closed.
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
  /** Executors warm and idle, one per configuration: the start-up's, then every probe's. */
  readonly #warm: { executor: Executor; config: Required<Omit<OpenConfig, 'timeline'>> }[] = [];

  /** `open`: makes an executor with the job's own options, which the job can adopt (see `hold`). */
  constructor(inputs: readonly unknown[], timeout?: number, open?: (config: OpenConfig) => Executor) {
    this.#inputs = inputs;
    this.#timeout = timeout;
    this.#open = open;
  }

  /**
   * An executor of `config` the job could adopt, or undefined when there is no way to open one. It
   * records a timeline whatever the job asked (the probes read task times from it): the job that
   * adopts it starts the timeline afresh.
   */
  open(config: OpenConfig): Executor | undefined {
    return this.#open?.({ ...config, timeline: true });
  }

  /** Whether a warm executor of `config` is held: a probe of it pays no start-up. */
  holds(config: OpenConfig): boolean {
    return this.warmAs(config) !== undefined;
  }

  /** The warm executor of `config`, left in the bank (workers started beside the sample), if held. */
  warmAs(config: OpenConfig): Executor | undefined {
    return this.#warm.find((w) => sameConfig(w.config, config))?.executor;
  }

  /**
   * For a probe of `config`: the warm executor of that configuration, taken out of the bank (its
   * workers started, its code loaded: the probe pays no start-up), else a new one from `open`; either
   * way the job's to adopt if the probe hands it back (`hold`). Undefined without `open`.
   */
  borrow(config: OpenConfig): { executor: Executor; warm: boolean } | undefined {
    const at = this.#warm.findIndex((w) => sameConfig(w.config, config));
    if (at >= 0) return { executor: this.#warm.splice(at, 1)[0]!.executor, warm: true };
    const executor = this.open(config);
    return executor && { executor, warm: false };
  }

  /**
   * Keeps an executor `open` made, warm, for the job: whichever is chosen is adopted, the others are
   * closed (`takeWarm`). One per configuration: one held before for the same one is closed.
   */
  async hold(executor: Executor, config: OpenConfig): Promise<void> {
    const at = this.#warm.findIndex((w) => sameConfig(w.config, config));
    // The same executor held again (timed where it was started beside the sample) is not closed.
    const closing = at >= 0 ? this.#warm.splice(at, 1).filter((w) => w.executor !== executor) : [];
    this.#warm.push({ executor, config: withInFlight(config) });
    // At most HELD_PER_MODEL of a model, the latest: a search goes up its levels, and the choice is
    // one of the last it measured (the knee's, or the one below); idle processes cost memory.
    const same = this.#warm.filter((w) => modelOf(w.config) === modelOf(config));
    for (const old of same.slice(0, Math.max(0, same.length - HELD_PER_MODEL))) {
      this.#warm.splice(this.#warm.indexOf(old), 1);
      closing.push(old);
    }
    await Promise.all(closing.map((w) => w.executor.close()));
  }

  /** Closes every warm executor (the advisor failed: nothing to hand over). */
  async closeWarm(): Promise<void> {
    const warm = this.#warm.splice(0);
    await Promise.all(warm.map((w) => w.executor.close()));
  }

  /**
   * The warm executor that runs `choice` (a fixed limit: not an adaptive one), if any; every other is
   * closed. Either way the bank holds none after.
   */
  async takeWarm(
    choice: Required<Omit<OpenConfig, 'timeline'>> & { adaptive?: unknown },
  ): Promise<Executor | undefined> {
    const warm = this.#warm.splice(0);
    const chosen = choice.adaptive === undefined ? warm.find((w) => sameConfig(w.config, choice)) : undefined;
    const closed = await Promise.allSettled(warm.filter((w) => w !== chosen).map((w) => w.executor.close()));
    const failed = closed.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (failed) {
      // The job will not run: the chosen workers must not outlive it either.
      await chosen?.executor.close();
      throw failed.reason;
    }
    return chosen?.executor;
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

/** Warm executors the bank holds of one model (a strategy; the hybrid apart from one task per worker). */
export const HELD_PER_MODEL = 2;

function modelOf(config: OpenConfig): string {
  return (config.inFlight ?? 1) > 1 ? `${config.strategy}×` : config.strategy;
}

function withInFlight(config: OpenConfig): Required<Omit<OpenConfig, 'timeline'>> {
  return { strategy: config.strategy, concurrency: config.concurrency, inFlight: config.inFlight ?? 1 };
}

function sameConfig(a: OpenConfig, b: OpenConfig): boolean {
  return (
    a.strategy === b.strategy && a.concurrency === b.concurrency && (a.inFlight ?? 1) === (b.inFlight ?? 1)
  );
}
