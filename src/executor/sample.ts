/** Taking the first inputs of any iterable without losing them: what `auto` chooses on. */

export interface TakenSample<T> {
  /** The first inputs, at most the size asked for. */
  sample: T[];
  /** True when the sample is every input there is (the job's size is then `sample.length`). */
  exhausted: boolean;
  /** Every input, the sampled ones first, read lazily from where the sample stopped. */
  all: AsyncIterable<T>;
}

/**
 * Reads the first `size` inputs of any iterable, for `auto` under `stream`: the choice is made on
 * them, then `all` gives the whole job, the sample included, without reading anything twice.
 */
export async function takeSample<T>(
  inputs: Iterable<T> | AsyncIterable<T>,
  size: number,
): Promise<TakenSample<T>> {
  const iterator =
    Symbol.asyncIterator in inputs
      ? (inputs as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (inputs as Iterable<T>)[Symbol.iterator]();
  const sample: T[] = [];
  let exhausted = false;
  while (sample.length < size) {
    const step = await iterator.next();
    if (step.done) {
      exhausted = true;
      break;
    }
    sample.push(step.value);
  }
  async function* all(): AsyncGenerator<T> {
    yield* sample;
    if (exhausted) return;
    try {
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) yield step.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { sample, exhausted, all: all() };
}
