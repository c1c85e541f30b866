/**
 * A model of a service with a capacity, in simulated time, for the limiter's unit tests: at most C
 * requests served at once (C may change on a schedule), the rest queued in order, each served in
 * `serviceMs` ± `jitter`. A client keeps as many in flight as the limiter allows. Deterministic (seeded).
 */
import { GradientLimiter, type LimiterOptions } from '../../src/strategies/limiter.js';

export interface ModelRun {
  /** The simulated time the last request ended. */
  endMs: number;
  /** [time, limit] after every finished request. */
  limits: [number, number][];
  /** [time, latency] of every finished request. */
  latencies: [number, number][];
  finished: number;
}

export interface ModelOptions extends LimiterOptions {
  /** [from time, capacity] pairs, in order; the first from 0. */
  schedule: [number, number][];
  requests: number;
  serviceMs?: number;
  /** A share of serviceMs, uniform ±. */
  jitter?: number;
}

export function runModel(options: ModelOptions): ModelRun {
  const { schedule, requests, serviceMs = 20, jitter = 0.1 } = options;
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const limiter = new GradientLimiter(options);
  const capacityAt = (t: number): number => schedule.filter(([from]) => from <= t).at(-1)![1];
  type Request = { start: number; inFlight: number };
  type Event = { t: number; request?: Request };
  const events: Event[] = schedule.map(([t]) => ({ t }));
  const queue: Request[] = [];
  const run: ModelRun = { endMs: 0, limits: [], latencies: [], finished: 0 };
  let t = 0;
  let inFlight = 0;
  let started = 0;
  let active = 0;
  const at = (event: Event): void => {
    const i = events.findIndex((e) => e.t > event.t);
    events.splice(i === -1 ? events.length : i, 0, event);
  };
  const admit = (): void => {
    while (queue.length > 0 && active < capacityAt(t)) {
      active++;
      at({ t: t + serviceMs * (1 + jitter * (2 * random() - 1)), request: queue.shift()! });
    }
  };
  const launch = (): void => {
    while (inFlight < limiter.limit && started < requests) {
      inFlight++;
      started++;
      queue.push({ start: t, inFlight });
    }
    admit();
  };
  launch();
  while (run.finished < requests) {
    const event = events.shift()!;
    t = event.t;
    if (event.request) {
      active--;
      inFlight--;
      run.finished++;
      run.latencies.push([t, t - event.request.start]);
      limiter.sample({ start: event.request.start, end: t, inFlight: event.request.inFlight, outcome: 'ok' });
      run.limits.push([t, limiter.limit]);
    }
    admit();
    launch();
  }
  run.endMs = t;
  return run;
}
