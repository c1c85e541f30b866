/**
 * What the loopback server keeps and reads, bounded: a request's target and headers, its body (pages
 * take none), and the ids it counts. A server a test or a demo leaves running must not grow with what
 * clients send it.
 */
import type { IncomingMessage } from 'node:http';
import { describe, OptionError } from '../core/errors.js';

/** The longest request target (path and query) read: a 200-character id and every parameter fit many times. */
export const MAX_URL_LENGTH = 2048;
/** Node's limit on a request's headers, request line included; past it Node answers 431 itself. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** The largest request body accepted, and discarded: pages and /capacity read none. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;
/** Distinct ids counted at most (about 32 MiB of 200-character ids); later new ids are only tallied. */
export const DEFAULT_MAX_IDS = 100_000;
/** The largest `maxIds` a server may be asked for. */
export const MAX_MAX_IDS = 10_000_000;

export interface Refusal {
  status: 411 | 413 | 414;
  message: string;
}

/** Why a request is refused before anything of it but its head is read, or undefined. */
export function refuseRequest(req: IncomingMessage): Refusal | undefined {
  const target = req.url ?? '/';
  if (target.length > MAX_URL_LENGTH) {
    return {
      status: 414,
      message: `The request target is ${target.length} characters long; this server reads at most ${MAX_URL_LENGTH}`,
    };
  }
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > MAX_REQUEST_BODY_BYTES) {
    return {
      status: 413,
      message: `A request body of ${length} bytes is over this server's limit of ${MAX_REQUEST_BODY_BYTES} bytes (its pages read no body)`,
    };
  }
  if (length === undefined && req.headers['transfer-encoding'] !== undefined) {
    return {
      status: 411,
      message: `A request body must state its length (at most ${MAX_REQUEST_BODY_BYTES} bytes); this server reads no chunked body`,
    };
  }
  return undefined;
}

/** Validates the server option `maxIds` once, at the door. */
export function validateMaxIds(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_IDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_MAX_IDS) {
    throw new OptionError(
      `Expected \`maxIds\` to be an integer from 1 to ${MAX_MAX_IDS}, got \`${describe(value)}\``,
    );
  }
  return value;
}

/**
 * How many requests carried each id, for at most `max` distinct ids. An id seen once the map is full
 * is not dropped silently: `uncounted` says how many requests carried an id that could not be kept.
 */
export class IdCounts {
  readonly #counts = new Map<string, number>();
  readonly #max: number;
  #uncounted = 0;

  constructor(max: number) {
    this.#max = max;
  }

  add(id: string): void {
    const count = this.#counts.get(id);
    if (count !== undefined) this.#counts.set(id, count + 1);
    else if (this.#counts.size < this.#max) this.#counts.set(id, 1);
    else this.#uncounted++;
  }

  /** A copy of the counts. */
  snapshot(): Map<string, number> {
    return new Map(this.#counts);
  }

  get uncounted(): number {
    return this.#uncounted;
  }
}
