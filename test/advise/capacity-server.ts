/**
 * A loopback HTTP server that serves at most `capacity` requests at once, each after `delayMs`,
 * and queues the rest: the knee of its throughput is at `capacity` requests in flight.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapacityServer {
  url: string;
  /** The most requests it served at once, and how many it served. */
  readonly maxActive: number;
  readonly served: number;
  close(): Promise<void>;
}

const BODY = Buffer.alloc(2443, 'x'); // the seed's page size

export async function startCapacityServer(capacity: number, delayMs: number): Promise<CapacityServer> {
  const waiting: ServerResponse[] = [];
  let active = 0;
  let maxActive = 0;
  let served = 0;
  const serve = (response: ServerResponse): void => {
    active++;
    maxActive = Math.max(maxActive, active);
    setTimeout(() => {
      // The slot frees as the answer goes out, so the next request waits for no bookkeeping.
      active--;
      served++;
      response.end(BODY);
      const next = waiting.shift();
      if (next) serve(next);
    }, delayMs);
  };
  const server = createServer((request, response) => {
    request.resume();
    response.setHeader('content-length', BODY.length);
    if (active < capacity) serve(response);
    else waiting.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get maxActive() {
      return maxActive;
    },
    get served() {
      return served;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
