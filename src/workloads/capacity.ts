/**
 * The loopback server's capacity model: at most `limit` requests served at once, the rest wait in
 * arrival order. The limit can change while requests wait; no limit admits everything at once.
 * No timers and no sockets here: the server tells the gate when a request arrives and when it leaves.
 *
 * Two ways a real service degrades when overloaded, each an option (docs/workloads.md):
 * - a bounded queue (`queue`): beyond the capacity in service and `queue` waiting, a request is shed
 *   (the server answers 503 at once);
 * - contention (`contention`): every request in the server beyond the capacity (waiting for a slot)
 *   slows the requests that start service, as lock contention, cache misses and memory pressure do:
 *   see `contendedDelay`.
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
  /** Requests shed so far (answered 503 at once: the bounded queue was full). */
  shed: number;
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

/** One check of the overload options (`queue`, `contention`): what is wrong with it, or undefined. */
export function checkOverload(name: 'queue' | 'contention', value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (name === 'queue') {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_CAPACITY) return;
    return `Expected \`queue\` to be an integer from 0 to ${MAX_CAPACITY}, got \`${describe(value)}\``;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_CONTENTION) return;
  return `Expected \`contention\` to be a number from 0 to ${MAX_CONTENTION}, got \`${describe(value)}\``;
}

/** The largest `contention`: at 100, one request waiting per slot makes service 100 times slower. */
export const MAX_CONTENTION = 100;

/**
 * A request's service time under contention: `delay` × (1 + contention × excess / capacity), where
 * excess is the requests in the server beyond its capacity when this one starts service (those
 * waiting). So with contention 1, a server holding twice its capacity serves at half speed: its
 * throughput falls as the queue grows, instead of staying at capacity ÷ delay (the universal
 * scalability law's contention term, in its simplest form). No capacity, no contention.
 */
export function contendedDelay(delay: number, figures: GateFigures, contention: number): number {
  const { capacity, active, queued } = figures;
  if (capacity === undefined || contention === 0) return delay;
  const excess = Math.max(0, active + queued - capacity);
  return delay * (1 + (contention * excess) / capacity);
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
  /** The most that wait for a slot; a request beyond them is shed. Undefined: no bound. */
  readonly #queueLimit: number | undefined;
  #shed = 0;

  constructor(capacity: number | undefined, queueLimit?: number) {
    this.#capacity = expectCapacity(capacity);
    const problem = checkOverload('queue', queueLimit);
    if (problem !== undefined) throw new OptionError(problem);
    this.#queueLimit = queueLimit;
  }

  /**
   * Whether a request arriving now is to be shed (answered 503 at once): every slot taken and the
   * bounded queue full. Counts it as shed when so.
   */
  shed(): boolean {
    if (this.#queueLimit === undefined || this.#hasRoom() || this.#queued < this.#queueLimit) return false;
    this.#shed++;
    return true;
  }

  figures(): GateFigures {
    return {
      capacity: this.#capacity,
      active: this.#active,
      queued: this.#queued,
      maxActive: this.#maxActive,
      shed: this.#shed,
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
