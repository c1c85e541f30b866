/**
 * Redis connections for both sides, from a URL, with fanout's settings. Imported dynamically (it
 * loads ioredis), by those who run `distributed` only.
 */
import { Redis } from 'ioredis';

/**
 * A connection as BullMQ needs it (`maxRetriesPerRequest: null`: a command waits out a reconnect
 * instead of failing). It retries for ever, every `retryMs` at most: giving up is fanout's decision,
 * made from the time Redis has been gone (`redisWait`), never ioredis's.
 */
export function connect(url: string, name?: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(50 * times, 1000),
    ...(name ? { connectionName: name } : {}),
  });
  // Errors surface where they matter (a command, the reconnect clock); unheard, ioredis would print them.
  redis.on('error', () => {});
  return redis;
}
