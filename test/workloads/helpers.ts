import { Agent, request } from 'undici';
import type { FanoutServer } from '../../src/workloads/server.js';

/** How often waitFor looks at a condition: it waits on a state, never for a fixed time. */
const POLL_MS = 5;

/** Resolves once `condition()` holds (the test's own time-out bounds the wait). */
export async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

/** Waits until the server has received `count` requests in all. */
export const requestsReceived = (server: FanoutServer, count: number): Promise<void> =>
  waitFor(() => server.stats().requests >= count);

export interface Fetched {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  chunks: number;
  text: string;
}

/** GETs a URL and reads the whole body, counting the pieces it arrived in. */
export async function fetchAll(url: string, agent: Agent, signal?: AbortSignal): Promise<Fetched> {
  const response = await request(url, { dispatcher: agent, signal });
  let bytes = 0;
  let chunks = 0;
  const parts: Buffer[] = [];
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    chunks++;
    parts.push(chunk);
  }
  return {
    status: response.statusCode,
    headers: response.headers,
    bytes,
    chunks,
    text: Buffer.concat(parts).toString('utf8'),
  };
}

export const newAgent = (): Agent => new Agent();

/** A timer that only measures how long something took (performance.now, in ms). */
export const since = (start: number): number => performance.now() - start;

/** Node's timers have millisecond resolution: a delay may be observed up to this much short. */
export const TIMER_SLACK_MS = 2;
