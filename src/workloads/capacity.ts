/**
 * The loopback server's capacity model: at most `limit` requests served at once, the rest wait in
 * arrival order. The limit can change while requests wait; no limit admits everything at once.
 * No timers and no sockets here: the server tells the gate when a request arrives and when it leaves.
 */
import { Deque } from '../core/deque.js';
import { describe, OptionError } from '../core/errors.js';

/** The largest capacity the server takes: far above what one loopback client can keep in flight. */
export const MAX_CAPACITY = 1_000_000;

/** A request waiting for a slot: `serve` runs once one frees, unless the client hung up first. */
interface Waiting {
  serve: (leave: () => void) => void;
  cancelled: boolean;
}

export interface GateFigures {
  /** The limit, or undefined when every request is served at once. */
  capacity: number | undefined;
  /** Requests being served now. */
  active: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** The most served at once so far. */
  maxActive: number;
}

/**
 * One check of a capacity, for the option and the endpoint: what is wrong with it, or undefined.
 * `got` is how to show the value (the endpoint quotes the text it received).
 */
export function checkCapacity(value: unknown, got = `\`${describe(value)}\``): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_CAPACITY) return;
  return `Expected \`capacity\` to be an integer from 1 to ${MAX_CAPACITY}, got ${got}`;
}

export function expectCapacity(value: unknown): number | undefined {
  const problem = checkCapacity(value);
  if (problem !== undefined) throw new OptionError(problem);
  return value as number | undefined;
}

export class CapacityGate {
  #capacity: number | undefined;
  #active = 0;
  #maxActive = 0;
  #queued = 0;
  #closed = false;
  readonly #waiting = new Deque<Waiting>();

  constructor(capacity: number | undefined) {
    this.#capacity = expectCapacity(capacity);
  }

  figures(): GateFigures {
    return {
      capacity: this.#capacity,
      active: this.#active,
      queued: this.#queued,
      maxActive: this.#maxActive,
    };
  }

  /** A new limit, or undefined for none: waiting requests start at once if it rose. */
  setCapacity(capacity: number | undefined): void {
    this.#capacity = expectCapacity(capacity);
    this.#drain();
  }

  /**
   * Serves a request now (`serve` gets the `leave` to call once, when the request is over) or queues
   * it. Returns undefined when it started at once, or the function that drops it from the queue
   * (the client hung up while it waited).
   */
  enter(serve: (leave: () => void) => void): (() => void) | undefined {
    if (this.#closed) return undefined;
    if (this.#hasRoom()) {
      this.#start(serve);
      return undefined;
    }
    const waiting: Waiting = { serve, cancelled: false };
    this.#waiting.push(waiting);
    this.#queued++;
    return () => {
      if (waiting.cancelled) return;
      waiting.cancelled = true;
      this.#queued--;
    };
  }

  /** Nothing waiting starts any more: the server is closing. */
  close(): void {
    this.#closed = true;
    this.#waiting.drain();
    this.#queued = 0;
  }

  #hasRoom(): boolean {
    return this.#capacity === undefined || this.#active < this.#capacity;
  }

  #start(serve: (leave: () => void) => void): void {
    this.#active++;
    if (this.#active > this.#maxActive) this.#maxActive = this.#active;
    let left = false;
    serve(() => {
      if (left) return;
      left = true;
      this.#active--;
      this.#drain();
    });
  }

  #drain(): void {
    while (!this.#closed && this.#hasRoom() && this.#waiting.length > 0) {
      const next = this.#waiting.shift()!;
      if (next.cancelled) continue;
      next.cancelled = true; // it no longer waits: a late hang-up must not count it out twice
      this.#queued--;
      this.#start(next.serve);
    }
  }
}
