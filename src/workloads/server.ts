/**
 * The loopback HTTP server the `download` workload talks to: it stands in for the seed's web page,
 * answers after a delay with a body of a given size, injects faults on request, and counts what it
 * served so tests can check that each request was made exactly once.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { OptionError } from '../core/errors.js';
import {
  CapacityGate,
  type CapacityModel,
  contendedDelay,
  MODEL_PARAMETERS,
  overloadedMessage,
  parseModelQuery,
} from './capacity.js';
import { IdCounts, MAX_HEADER_BYTES, refuseRequest, validateMaxIds } from './limits.js';
import { listen } from './listen.js';
import {
  MAX_ID_LENGTH,
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
  /**
   * At most this many requests served at once; the rest wait, first come first served, and their
   * delay starts when their turn comes. Change it while running with `setCapacity` (`setModel`) or
   * `POST /capacity?c=N`.
   * @default undefined: every request is served at once
   * @example startServer({ delay: 20, capacity: 8 }) // 8 at a time: about 400 requests/s at most
   */
  capacity?: number;
  /**
   * With a capacity: at most this many requests wait for a slot; one more is shed, answered
   * `503 Service Unavailable` at once (load shedding). Changeable while running: `setModel({ queue })`,
   * `POST /capacity?queue=Q`.
   * @default undefined: no bound, every request waits its turn
   * @example startServer({ delay: 50, capacity: 8, queue: 8 }) // the 17th request at once gets a 503
   */
  queue?: number;
  /**
   * With a capacity: how much each request waiting for a slot slows the ones served, as contention
   * does in a real service. A request starts its service taking delay × (1 + contention × waiting ÷
   * capacity), so the server's throughput falls as its queue grows (see `contendedDelay`).
   * Changeable while running: `setModel({ contention })`, `POST /capacity?contention=X`.
   * @default 0: waiting costs the server nothing
   * @example startServer({ delay: 50, capacity: 8, contention: 1 }) // 8 waiting: service at half speed
   */
  contention?: number;
  /**
   * Distinct `id`s counted at most, so that a server left running does not grow with what clients
   * send; requests carrying a new id past it are tallied in `uncountedIds`.
   * @default 100000 (about 32 MiB of 200-character ids)
   */
  maxIds?: number;
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
  /** Requests whose id was not counted: `maxIds` distinct ids were already held. */
  uncountedIds: number;
  /** The capacity now (undefined: no limit). */
  capacity: number | undefined;
  /** Requests being served now, and waiting for a slot. */
  active: number;
  queued: number;
  /** The most requests served at once so far. */
  maxActive: number;
  /** Requests shed (answered 503 at once: the bounded queue was full). */
  shed: number;
  /** The bound of the queue now (undefined: none), and the contention now. */
  queue: number | undefined;
  contention: number;
  /** Requests whose service contention made longer (others were waiting when they started). */
  contended: number;
}

export interface FanoutServer {
  /** The base URL, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The address actually bound, numeric (`0.0.0.0` for every IPv4 interface, `127.0.0.1`, `::`). */
  readonly address: string;
  readonly port: number;
  /** A snapshot of the counters. */
  stats(): ServerStats;
  /** A new capacity (undefined: no limit); requests waiting start at once if it rose. */
  setCapacity(capacity: number | undefined): void;
  /**
   * Changes the figures of the capacity model given, all or none (an OptionError for a bad one):
   * `capacity` (undefined: no limit), `queue` (undefined: no bound), `contention`. What
   * `POST /capacity?c=8&queue=16&contention=1` does.
   * @example server.setModel({ capacity: 8, queue: 16 })
   */
  setModel(change: Partial<CapacityModel>): void;
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

/**
 * The path of the control endpoint: `GET` reads the capacity model, `POST ?c=N&queue=Q&contention=X`
 * (any of the three; `none` lifts a capacity or a queue's bound) changes it.
 */
export const CAPACITY_PATH = '/capacity';

/** Whether an HTTP status forbids a body. */
const bodiless = (status: number): boolean => status === 204 || status === 304;

export async function startServer(options: ServerOptions = {}): Promise<FanoutServer> {
  if (options === null || typeof options !== 'object') {
    throw new OptionError('Expected server options to be an object');
  }
  const { host, port } = validateAddress(options);
  const defaults: ServerDefaults = validateDefaults(options);
  const counters = { requests: 0, responses: 0, connections: 0 };
  const ids = new IdCounts(validateMaxIds(options.maxIds));
  const gate = new CapacityGate(options.capacity, options.queue, options.contention ?? 0);
  let contended = 0;
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

  const sendJson = (res: ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(`${JSON.stringify(value)}\n`);
  };

  /**
   * The control endpoint: not a page, not counted, and never queued behind the pages. A POST changes
   * every figure it names or, with one bad, none (a 400 naming it).
   */
  const control = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void => {
    if (req.method === 'POST') {
      const parsed = parseModelQuery(query);
      if (parsed.problem !== undefined) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${parsed.problem}\n`);
        return;
      }
      gate.setModel(parsed.change);
    } else if (req.method === 'GET' && [...query.keys()].length > 0) {
      // A GET that looks like a change would otherwise answer 200 and change nothing.
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        `GET ${CAPACITY_PATH} only reads the model and takes no query: use POST ${CAPACITY_PATH}?${query} to change it\n`,
      );
      return;
    } else if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET, POST', 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        `${req.method} is not supported on ${CAPACITY_PATH}: GET reads it, POST ?${MODEL_PARAMETERS.map((p) => `${p}=…`).join('&')} changes it\n`,
      );
      return;
    }
    const { capacity, queue, contention } = gate.model();
    const { active, queued, shed } = gate.figures();
    sendJson(res, 200, {
      capacity: capacity ?? null,
      queue: queue ?? null,
      contention,
      active,
      queued,
      shed,
    });
  };

  const carryOut = (req: IncomingMessage, res: ServerResponse, plan: RequestPlan): void => {
    if (plan.fault === 'stall') return; // never answered; close() ends it
    if (plan.fault === 'trickle') {
      answer(req, res, plan);
      return;
    }
    later(plan.delay, res, () => {
      // resetAndDestroy sends a TCP RST: the client sees ECONNRESET, as from a crashed server.
      if (plan.fault === 'reset') req.socket.resetAndDestroy();
      else answer(req, res, plan);
    });
  };

  // Node answers 431 itself to headers over MAX_HEADER_BYTES.
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    const refusal = refuseRequest(req);
    if (refusal !== undefined) {
      counters.requests++;
      res.once('finish', () => counters.responses++);
      // The body is never read: the connection closes after the answer.
      res.writeHead(refusal.status, { connection: 'close', 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${refusal.message}\n`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === CAPACITY_PATH) return control(req, res, url.searchParams);
    counters.requests++;
    res.once('finish', () => counters.responses++);
    const query = url.searchParams;
    const id = query.get('id');
    if (id !== null && id.length <= MAX_ID_LENGTH) ids.add(id);
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
    if (gate.shed()) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${overloadedMessage(gate)}\n`);
      return;
    }
    // A request holds its slot until its response is over or its client hangs up.
    let dropFromQueue: (() => void) | undefined;
    dropFromQueue = gate.enter((leave) => {
      if (dropFromQueue !== undefined) res.off('close', dropFromQueue);
      res.once('finish', leave);
      res.once('close', leave);
      const { contention } = gate.model();
      const delay = contention === 0 ? plan.delay : contendedDelay(plan.delay, gate.figures(), contention);
      if (delay > plan.delay) contended++;
      carryOut(req, res, delay === plan.delay ? plan : { ...plan, delay });
    });
    if (dropFromQueue !== undefined) res.once('close', dropFromQueue);
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
    stats: () => {
      const { capacity, active, queued, maxActive, shed } = gate.figures();
      const { queue, contention } = gate.model();
      return {
        ...counters,
        byId: ids.snapshot(),
        uncountedIds: ids.uncounted,
        capacity,
        active,
        queued,
        maxActive,
        shed,
        queue,
        contention,
        contended,
      };
    },
    setCapacity: (capacity) => gate.setCapacity(capacity),
    setModel: (change) => gate.setModel(change),
    close() {
      closed ??= new Promise<void>((resolve) => {
        gate.close();
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
