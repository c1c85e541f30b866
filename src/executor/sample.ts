/** Taking the first inputs of any iterable without losing them: what `auto` chooses on. */
import { now } from '../core/clock.js';

/**
 * How long `auto` waits for more of its sample once the first input has come, in ms: input that
 * trickles in (a slow producer on stdin) is not held back until hundreds of lines have arrived. The
 * advisor then chooses on what came, and a producer that slow is the job's limit whatever it chooses.
 */
export const SAMPLE_WAIT_MS = 1000;

export interface TakenSample<T> {
  /** The first inputs, at most the size asked for. */
  sample: T[];
  /** True when the sample is every input there is (the job's size is then `sample.length`). */
  exhausted: boolean;
  /** Every input, the sampled ones first, read lazily from where the sample stopped. */
  all: AsyncIterable<T>;
}

const WAITED = Symbol('waited');

/** `step`, unless `ms` pass first. The timer never outlives the race. */
async function within<R>(step: R | Promise<R>, ms: number): Promise<R | typeof WAITED> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<typeof WAITED>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms), WAITED);
  });
  try {
    return await Promise.race([step, waited]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads the first `size` inputs of any iterable, for `auto` under `stream`: the choice is made on
 * them, then `all` gives the whole job, the sample included, without reading anything twice. Once the
 * first input has come, it waits at most `waitMs` for the rest; an input that comes later is not lost:
 * it is the first that `all` reads after the sample.
 */
export async function takeSample<T>(
  inputs: Iterable<T> | AsyncIterable<T>,
  size: number,
  waitMs = SAMPLE_WAIT_MS,
): Promise<TakenSample<T>> {
  const iterator =
    Symbol.asyncIterator in inputs
      ? (inputs as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (inputs as Iterable<T>)[Symbol.iterator]();
  const sample: T[] = [];
  let exhausted = false;
  let late: Promise<IteratorResult<T>> | undefined;
  let deadline = Number.POSITIVE_INFINITY;
  while (sample.length < size) {
    const next = iterator.next();
    const step = sample.length === 0 ? await next : await within(next, deadline - now());
    if (step === WAITED) {
      late = Promise.resolve(next);
      break;
    }
    if (step.done) {
      exhausted = true;
      break;
    }
    sample.push(step.value);
    if (sample.length === 1) deadline = now() + waitMs;
  }
  async function* all(): AsyncGenerator<T> {
    yield* sample;
    if (exhausted) return;
    try {
      if (late) {
        const step = await late;
        if (step.done) return;
        yield step.value;
      }
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) yield step.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { sample, exhausted, all: all() };
}
