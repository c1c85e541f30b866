/** A bounded wait, for closing what may depend on a Redis that went away. */

/** Waits for `work` (its failure ignored), but no longer than `ms`. */
export async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work.then(noop, noop), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function noop(): void {}
