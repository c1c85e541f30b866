/**
 * Clearing an ended run away: its queue's keys, its results list, its heartbeat and its entry in the
 * runs hash. Two rules keep it from leaving anything behind (docs/distributed.md, "Each run's queue"):
 * - a party clears only once it has let go of the run itself (its BullMQ objects closed, their last
 *   writes done), so nothing of its own lands after its clearing;
 * - one party clears at a time, under a lock in Redis: BullMQ's `obliterate` first pauses the queue,
 *   which writes the queue's meta and events keys, and a second clearer's pause landing after the
 *   first one's deletion left exactly those two keys behind. Each clearing ends with its own
 *   deletion, so clearings one after the other leave nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { beatKey, clearLockKey, holdersKey, resultsKey, runsKey } from './protocol.js';
import { within } from './within.js';

/** How long the clearing lock lives: a clearer that dies mid-way lets go by itself. */
const CLEAR_LOCK_MS = 10_000;
/** How long a clearer waits for another's clearing to end before it clears anyway. */
const CLEAR_WAIT_MS = 5_000;
const CLEAR_POLL_MS = 25;
/** Deletes the lock only if it is still this clearer's (it may have expired and been taken). */
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * Removes what is left of run `run` of base queue `base`, through `queue` (the run's BullMQ queue,
 * opened on `client`); each step takes at most `stepMs`.
 */
export async function clearRun(
  client: Redis,
  queue: Queue,
  base: string,
  run: string,
  stepMs: number,
): Promise<void> {
  const lock = clearLockKey(base, run);
  const token = randomBytes(8).toString('hex');
  const deadline = performance.now() + CLEAR_WAIT_MS;
  while ((await client.set(lock, token, 'PX', CLEAR_LOCK_MS, 'NX').catch(() => 'OK')) === null) {
    if (performance.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, CLEAR_POLL_MS));
  }
  try {
    await within(queue.obliterate({ force: true }), stepMs);
    // When the obliterate above failed (another party's had run first: "queue not paused"), its own
    // pause's two keys are still there; they go by name with the rest.
    await within(
      client
        .multi()
        .del(
          queue.keys.meta!,
          queue.keys.events!,
          resultsKey(base, run),
          beatKey(base, run),
          holdersKey(base, run),
        )
        .hdel(runsKey(base), run)
        .exec(),
      stepMs,
    );
  } finally {
    await within(client.eval(RELEASE, 1, lock, token), stepMs);
  }
}
