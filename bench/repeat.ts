/** Every row repeats at least this many times… */
export const MIN_REPETITIONS = 3;
/** …and until it has spent this long timed, so fast rows get more samples than slow ones… */
export const MIN_TIMED_SECONDS = 2;
/** …but never more than this many. */
export const MAX_TIMED_REPETITIONS = 15;

/** Runs `once` (which returns the seconds it timed) until the repetition rules above are satisfied. */
export async function repeat(once: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  let total = 0;
  while (
    samples.length < MIN_REPETITIONS ||
    (total < MIN_TIMED_SECONDS && samples.length < MAX_TIMED_REPETITIONS)
  ) {
    const seconds = await once();
    samples.push(seconds);
    total += seconds;
  }
  return samples;
}
