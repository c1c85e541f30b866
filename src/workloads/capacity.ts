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

/**
 * The capacity model: each figure can change while the server runs (`setModel`, `POST /capacity`).
 * Queue and contention act only under a capacity.
 */
export interface CapacityModel {
  /** At most this many served at once; undefined: every request served at once. */
  capacity: number | undefined;
  /** At most this many wait for a slot, one more is shed (503 at once); undefined: no bound. */
  queue: number | undefined;
  /** How much each request waiting for a slot slows service (`contendedDelay`); 0: not at all. */
  contention: number;
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

/** What is wrong with a change of the model (the first problem), or undefined. */
export function checkModel(change: Partial<CapacityModel>): string | undefined {
  if ('capacity' in change) {
    const problem = checkCapacity(change.capacity);
    if (problem !== undefined) return problem;
  }
  if ('queue' in change) {
    const problem = checkOverload('queue', change.queue);
    if (problem !== undefined) return problem;
  }
  if ('contention' in change) {
    if (change.contention === undefined) return 'Expected `contention` to be a number, got `undefined`';
    return checkOverload('contention', change.contention);
  }
  return undefined;
}

/** The query parameters of `POST /capacity`, each setting one figure of the model. */
export const MODEL_PARAMETERS = ['c', 'queue', 'contention'] as const;
/** The value of `c` that lifts the capacity, and of `queue` that lifts its bound. */
export const NO_LIMIT = 'none';

/**
 * A number from a query value, written plainly in decimal (`8`, `0.5`; `integer`: digits only). What
 * `Number` would also read (`0x10`, `1e1`, ``, ` 8`) is no number here: the endpoint is documented in
 * decimal, and a figure read otherwise than it was meant is worse than a 400.
 */
export function decimalOf(raw: string, integer: boolean): number {
  const form = integer ? /^\d+$/ : /^(?:\d+(?:\.\d*)?|\.\d+)$/;
  return form.test(raw) ? Number(raw) : Number.NaN;
}

/**
 * `POST /capacity?c=8&queue=16&contention=1`: the change it asks for, or what is wrong with it in one
 * line naming the parameter. Parameters left out keep their figure; `c=none` lifts the capacity,
 * `queue=none` the queue's bound.
 */
export function parseModelQuery(
  query: URLSearchParams,
): { change: Partial<CapacityModel>; problem?: undefined } | { problem: string } {
  for (const name of new Set(query.keys())) {
    if (!(MODEL_PARAMETERS as readonly string[]).includes(name)) {
      return {
        problem: `Unknown query parameter \`${name}\` on /capacity (expected ${MODEL_PARAMETERS.join(', ')})`,
      };
    }
    if (query.getAll(name).length > 1)
      return { problem: `Expected \`${name}\` once, got it ${query.getAll(name).length} times` };
  }
  const change: Partial<CapacityModel> = {};
  const c = query.get('c');
  if (c !== null) {
    const value = c === NO_LIMIT ? undefined : decimalOf(c, true);
    if (checkCapacity(value) !== undefined) {
      return {
        problem: `Expected \`c\` (the capacity) to be an integer from 1 to ${MAX_CAPACITY}, or ${NO_LIMIT} for no limit, got ${JSON.stringify(c)}`,
      };
    }
    change.capacity = value;
  }
  const queue = query.get('queue');
  if (queue !== null) {
    const value = queue === NO_LIMIT ? undefined : decimalOf(queue, true);
    if (checkOverload('queue', value) !== undefined) {
      return {
        problem: `Expected \`queue\` to be an integer from 0 to ${MAX_CAPACITY}, or ${NO_LIMIT} for no bound, got ${JSON.stringify(queue)}`,
      };
    }
    change.queue = value;
  }
  const contention = query.get('contention');
  if (contention !== null) {
    const value = decimalOf(contention, false);
    if (checkOverload('contention', value) !== undefined) {
      return {
        problem: `Expected \`contention\` to be a number from 0 to ${MAX_CONTENTION}, got ${JSON.stringify(contention)}`,
      };
    }
    change.contention = value;
  }
  if (Object.keys(change).length === 0) {
    return {
      problem: `Expected at least one of ${MODEL_PARAMETERS.join(', ')} (e.g. POST /capacity?c=8&queue=16&contention=1)`,
    };
  }
  return { change };
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
  #queueLimit: number | undefined;
  #contention: number;
  #shed = 0;

  constructor(capacity: number | undefined, queueLimit?: number, contention = 0) {
    const problem = checkModel({ capacity, queue: queueLimit, contention });
    if (problem !== undefined) throw new OptionError(problem);
    this.#capacity = capacity;
    this.#queueLimit = queueLimit;
    this.#contention = contention;
  }

  /** The model now: capacity, queue bound, contention. */
  model(): CapacityModel {
    return { capacity: this.#capacity, queue: this.#queueLimit, contention: this.#contention };
  }

  /**
   * Changes the figures given (a key present with `undefined` lifts that limit), all or none: a bad
   * one throws an OptionError and changes nothing. A higher capacity starts waiting requests at once; a
   * lower queue bound sheds new arrivals only (those already waiting keep their place); a new
   * contention applies to requests that start service from now on.
   */
  setModel(change: Partial<CapacityModel>): void {
    const problem = checkModel(change);
    if (problem !== undefined) throw new OptionError(problem);
    if ('queue' in change) this.#queueLimit = change.queue;
    if ('contention' in change) this.#contention = change.contention!;
    if ('capacity' in change) {
      this.#capacity = change.capacity;
      this.#drain();
    }
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

/**
 * The body of a 503: every slot busy and the queue at its bound. It gives the bound and the true count,
 * which may exceed it: a lowered bound sheds new arrivals only, those already waiting keep their place.
 */
export function overloadedMessage(gate: CapacityGate): string {
  const { capacity, queued } = gate.figures();
  const { queue } = gate.model();
  return `overloaded: ${capacity} served at once (the capacity) and at most ${queue} may wait (${queued} waiting now)`;
}
