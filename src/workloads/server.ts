/**
 * The loopback HTTP server the `download` workload talks to: it stands in for the seed's web page,
 * answers after a delay with a body of a given size, injects faults on request, and counts what it
 * served so tests can check that each request was made exactly once.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { OptionError } from '../core/errors.js';
import { listen } from './listen.js';
import {
  planRequest,
  type RequestPlan,
  type ServerDefaults,
  validateAddress,
  validateDefaults,
} from './request-plan.js';

export interface ServerOptions {
  /**
   * The address to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * The port; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Every response waits this long, in ms, unless the request asks for another `delay`.
   * @default 0
   */
  delay?: number;
  /**
   * A uniform random ± added to the delay, in ms (never below 0).
   * @default 0
   */
  jitter?: number;
  /**
   * The body size in bytes.
   * @default 2443 (the seed's page)
   */
  size?: number;
}

export interface ServerStats {
  /** Requests received, faulty ones included. */
  requests: number;
  /** Responses sent to the end. */
  responses: number;
  /** TCP connections accepted: few when clients reuse keep-alive connections. */
  connections: number;
  /** How many requests carried each `id` query parameter. */
  byId: Map<string, number>;
}

export interface FanoutServer {
  /** The base URL, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The address actually bound, numeric (`0.0.0.0` for every IPv4 interface, `127.0.0.1`, `::`). */
  readonly address: string;
  readonly port: number;
  /** A snapshot of the counters. */
  stats(): ServerStats;
  /** Stops listening and ends every connection, stalled and keep-alive ones included. */
  close(): Promise<void>;
}

/** How long an idle keep-alive connection stays open: longer than a demo's pause between strategies. */
export const KEEP_ALIVE_TIMEOUT_MS = 10_000;
/** A trickled body is sent in at most this many pieces. */
export const TRICKLE_PIECES = 16;

/** Bodies up to this size are slices of one shared buffer; larger ones are made per request and let go. */
const SHARED_BODY_BYTES = 1024 * 1024;
const FILLER = 'fanout loopback page. ';
let sharedBody: Buffer | undefined;

function bodyOf(size: number): Buffer {
  if (size > SHARED_BODY_BYTES) return Buffer.alloc(size, FILLER);
  sharedBody ??= Buffer.alloc(SHARED_BODY_BYTES, FILLER);
  return sharedBody.subarray(0, size);
}

/** Whether an HTTP status forbids a body. */
const bodiless = (status: number): boolean => status === 204 || status === 304;

export async function startServer(options: ServerOptions = {}): Promise<FanoutServer> {
  if (options === null || typeof options !== 'object') {
    throw new OptionError('Expected server options to be an object');
  }
  const { host, port } = validateAddress(options);
  const defaults: ServerDefaults = validateDefaults(options);
  const counters = { requests: 0, responses: 0, connections: 0 };
  const byId = new Map<string, number>();
  // Pending delays and trickles, so close() can cancel them.
  const timers = new Set<NodeJS.Timeout>();

  /** Runs `action` after `ms`, unless the client hangs up first or the server closes. */
  const later = (ms: number, res: ServerResponse, action: () => void): void => {
    // No timer for no delay: even setTimeout(0) would add about a millisecond to every request.
    if (ms === 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.off('close', cancel);
      action();
    }, ms);
    const cancel = (): void => {
      clearTimeout(timer);
      timers.delete(timer);
    };
    timers.add(timer);
    res.once('close', cancel);
  };

  const trickle = (res: ServerResponse, plan: RequestPlan, body: Buffer): void => {
    res.flushHeaders();
    const pieces = Math.min(TRICKLE_PIECES, body.length);
    if (pieces === 0) {
      later(plan.delay, res, () => res.end());
      return;
    }
    const step = plan.delay / pieces;
    const pieceSize = Math.ceil(body.length / pieces);
    const send = (k: number): void =>
      later(step, res, () => {
        const piece = body.subarray(k * pieceSize, (k + 1) * pieceSize);
        if (k + 1 < pieces) {
          res.write(piece);
          send(k + 1);
        } else {
          res.end(piece);
        }
      });
    send(0);
  };

  const answer = (req: IncomingMessage, res: ServerResponse, plan: RequestPlan): void => {
    const body = bodiless(plan.status) ? Buffer.alloc(0) : bodyOf(plan.size);
    res.writeHead(plan.status, {
      'content-type': 'application/octet-stream',
      ...(bodiless(plan.status) ? {} : { 'content-length': body.length }),
    });
    if (req.method === 'HEAD') {
      res.end();
    } else if (plan.fault === 'trickle') {
      trickle(res, plan, body);
    } else {
      res.end(body);
    }
  };

  const server = createServer((req, res) => {
    counters.requests++;
    res.once('finish', () => counters.responses++);
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const id = query.get('id');
    if (id !== null) byId.set(id, (byId.get(id) ?? 0) + 1);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${req.method} is not supported: use GET\n`);
      return;
    }
    const result = planRequest(query, defaults);
    if (!result.ok) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${result.message}\n`);
      return;
    }
    const { plan } = result;
    if (plan.fault === 'stall') return; // never answered; close() ends it
    if (plan.fault === 'trickle') return answer(req, res, plan);
    later(plan.delay, res, () => {
      // resetAndDestroy sends a TCP RST: the client sees ECONNRESET, as from a crashed server.
      if (plan.fault === 'reset') req.socket.resetAndDestroy();
      else answer(req, res, plan);
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('connection', (socket: Socket) => {
    counters.connections++;
    socket.setNoDelay(true);
  });

  const { url, address, port: actualPort } = await listen(server, host, port);
  let closed: Promise<void> | undefined;

  return {
    url,
    address,
    port: actualPort,
    stats: () => ({ ...counters, byId: new Map(byId) }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Stalled requests and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
