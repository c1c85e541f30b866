/**
 * The mixed job, which waits AND computes: GET a URL (as `download` does, one keep-alive pool per
 * worker), then hash the body `rounds` times with SHA-256, each round over the body and the previous
 * digest, and return the last digest in hex.
 *
 * It is the commonest real job (fetch, then parse, hash, resize…) and the one none of the seed's four
 * boxes answers well: `async` waits well but computes on one core; `threads` and `processes` compute on
 * every core but, one task per worker, idle through every wait. The hybrid (a worker per core, many
 * tasks in flight on each) does both.
 *
 * Task options: `{ rounds?: number, headersTimeout?: number, bodyTimeout?: number }`.
 */
import { createHash } from 'node:crypto';
import type { SetupContext, TaskContext } from '../core/types.js';
import { closePool, get, type HttpOptions, type HttpState, numberOption, openPool } from './http-get.js';

/**
 * Hashing rounds per task: about 10 ms of CPU over the default 2443-byte body on the 2-core machine
 * this was measured on (3–4 µs a round), so that with a 50 ms server the task waits ~5 × as long as
 * it computes.
 */
export const DEFAULT_HASH_ROUNDS = 3000;

export interface FetchAndHashOptions extends HttpOptions {
  /** SHA-256 rounds over the body: the CPU each task costs. @default 3000 */
  rounds?: number;
}

export interface FetchAndHashState extends HttpState {
  rounds: number;
}

const NAME = 'fetch-and-hash';

/** Opens this worker's connection pool and reads the rounds once. */
export function setup(context: SetupContext): FetchAndHashState {
  const rounds = numberOption(NAME, context.options, 'rounds', DEFAULT_HASH_ROUNDS, {
    integer: true,
    unit: 'rounds',
  });
  return { ...openPool(NAME, context), rounds };
}

/** Closes this worker's connection pool; nothing is in flight by then. */
export function teardown(state: FetchAndHashState | undefined): Promise<void> {
  return closePool(state);
}

/** SHA-256 `rounds` times, each round over the previous digest then the body: pure CPU, no waiting. */
export function hashRounds(body: Buffer, rounds: number): string {
  let digest: Buffer = Buffer.alloc(0);
  for (let round = 0; round < rounds; round++) {
    digest = createHash('sha256').update(digest).update(body).digest();
  }
  return digest.toString('hex');
}

/** GETs `url` through this worker's pool, then hashes the body: returns the last digest in hex. */
export default async function fetchAndHash(url: string, context: TaskContext): Promise<string> {
  const state = context.state as FetchAndHashState | undefined;
  const chunks: Buffer[] = [];
  await get(NAME, url, state, context.signal, (chunk) => chunks.push(chunk));
  return hashRounds(Buffer.concat(chunks), state?.rounds ?? DEFAULT_HASH_ROUNDS);
}
