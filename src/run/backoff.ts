/** Retry delays (pure): exponential, capped, with jitter so failures that came together do not retry together. */

/** The delay before the first retry, in ms. */
export const RETRY_BASE_DELAY_MS = 100;
/** Each further retry waits this many times longer. */
export const RETRY_BACKOFF_FACTOR = 2;
/** No retry waits longer than this, in ms. */
export const RETRY_MAX_DELAY_MS = 10_000;

/**
 * The delay before retry number `retry` (1 for the first): half of base·factor^(retry−1), capped,
 * plus a random part up to the other half ("equal jitter").
 */
export function retryDelay(retry: number, random: () => number = Math.random): number {
  const full = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * RETRY_BACKOFF_FACTOR ** (retry - 1));
  return Math.round(full / 2 + random() * (full / 2));
}
