/**
 * The loop behind `stream`: reads inputs lazily, keeps at most a window of them in flight, and hands
 * out results in completion order.
 */
import { Deque } from '../core/deque.js';
import { callAborted } from '../core/errors.js';
import type { Indexed, Settled } from '../core/types.js';
import { type Strategy, TaskRequest } from '../strategies/strategy.js';

export type Inputs<I> = Iterable<I> | AsyncIterable<I>;

const RESULT_READY = Symbol('result ready');
const ABORTED = Symbol('aborted');

export interface ReadAheadOptions {
  /** Return every outcome instead of throwing the first error. */
  settle: boolean;
  /** A fixed window; undefined: what the strategy says keeps every worker busy. */
  highWaterMark: number | undefined;
  /** The executor's per-task time-out. */
  timeout: number | undefined;
  /** Abandons the stream: it throws an AbortError at once, and reads nothing more. */
  signal: AbortSignal | undefined;
}

export async function* readAhead<I, O>(
  strategy: Strategy,
  inputs: Inputs<I>,
  options: ReadAheadOptions,
): AsyncGenerator<Indexed<O> | Settled<O>> {
  const { settle, highWaterMark: fixedLimit, timeout, signal } = options;
  const asyncIterator = (inputs as AsyncIterable<I>)[Symbol.asyncIterator]?.();
  const syncIterator = asyncIterator ? undefined : (inputs as Iterable<I>)[Symbol.iterator]();
  const ready = new Deque<Settled<O>>();
  let wake: (() => void) | undefined;
  let inFlight = 0;
  let nextIndex = 0;
  let exhausted = false;
  /** An async source's next(), asked for while results were in flight and not yet answered. */
  let pending: Promise<IteratorResult<I>> | undefined;
  const done = (request: TaskRequest, error: Error | undefined, value: unknown): void => {
    const { index } = request;
    ready.push(
      error
        ? { index, status: 'rejected', reason: error }
        : { index, status: 'fulfilled', value: value as O },
    );
    wake?.();
  };
  // One listener for the whole stream: it wakes a wait for results and ends a wait for the source.
  let endSourceWait: ((value: typeof ABORTED) => void) | undefined;
  const aborted = signal ? new Promise<typeof ABORTED>((resolve) => (endSourceWait = resolve)) : undefined;
  const onAbort = (): void => {
    wake?.();
    endSourceWait?.(ABORTED);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      if (signal?.aborted) throw callAborted('stream', signal.reason);
      const limit = fixedLimit ?? strategy.capacityHint();
      // Refill only once half the window is free, then in bulk: topping up one input per result
      // would send the workers one input per message, in lockstep with the results.
      const refill = inFlight <= limit >> 1;
      while (refill && !exhausted && inFlight < limit && (ready.length === 0 || syncIterator)) {
        let step: IteratorResult<I>;
        if (!asyncIterator) {
          step = syncIterator!.next();
        } else if (inFlight === 0) {
          pending ??= asyncIterator.next();
          // A stalled source must not hold back an abort either.
          const first = aborted ? await Promise.race([pending, aborted]) : await pending;
          if (first === ABORTED) throw callAborted('stream', signal!.reason);
          step = first;
          pending = undefined;
        } else {
          // A slow source must not hold back results that are ready: whichever comes first.
          pending ??= asyncIterator.next();
          const first = await Promise.race([
            pending,
            new Promise<typeof RESULT_READY>((resolve) => {
              wake = () => resolve(RESULT_READY);
            }),
          ]);
          wake = undefined;
          if (first === RESULT_READY) break;
          step = first;
          pending = undefined;
        }
        if (step.done) {
          exhausted = true;
          break;
        }
        const index = nextIndex++;
        inFlight++;
        strategy.submit(new TaskRequest(step.value, index, undefined, timeout, done));
      }
      if (signal?.aborted) throw callAborted('stream', signal.reason);
      const outcome = ready.shift();
      if (outcome) {
        inFlight--;
        if (outcome.status === 'rejected' && !settle) throw outcome.reason;
        yield settle ? outcome : { index: outcome.index, value: (outcome as { value: O }).value };
        continue;
      }
      if (exhausted && inFlight === 0) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // With a next() still unanswered (a stalled source), return() would wait behind it: don't.
    if (!exhausted) {
      const closing = (asyncIterator ?? syncIterator)?.return?.();
      if (!pending) await closing;
    }
  }
}
