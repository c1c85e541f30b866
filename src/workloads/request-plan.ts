/**
 * What the loopback server does for one request, decided from its query parameters and the
 * server-wide defaults. Pure functions: the server only carries the plan out.
 */
import { describe, OptionError } from '../core/errors.js';

/** The size of the seed's page (https://www.baidu.com in the tutorial): the default body. */
export const DEFAULT_BODY_BYTES = 2443;
/** The longest delay or jitter a request may ask for: ten minutes. */
export const MAX_DELAY_MS = 600_000;
/** The largest body a request may ask for: 64 MiB. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
export const MIN_STATUS = 200;
export const MAX_STATUS = 599;
export const MAX_PORT = 65_535;
/** The longest `id` the server will count: ids are for tests, not payloads. */
export const MAX_ID_LENGTH = 200;

export const FAULTS = ['reset', 'stall', 'trickle'] as const;
export type Fault = (typeof FAULTS)[number];

/** Every query parameter the server understands, with a line of help each (`fanout serve` prints them). */
export const QUERY_PARAMETERS: readonly (readonly [name: string, help: string])[] = [
  ['delay=MS', 'answer after MS milliseconds'],
  ['jitter=MS', 'add a uniform random ±MS to the delay'],
  ['size=BYTES', 'send a body of BYTES bytes'],
  ['status=CODE', `answer with this HTTP status (${MIN_STATUS}–${MAX_STATUS})`],
  ['fault=reset', 'reset the connection (after the delay) instead of answering'],
  ['fault=stall', 'never answer'],
  ['fault=trickle', 'send the body in small pieces spread over the delay'],
  ['id=NAME', 'count this request under NAME (to check each request was made once)'],
];
const KNOWN = new Set(QUERY_PARAMETERS.map(([spec]) => spec.split('=')[0]!));

export interface ServerDefaults {
  delay: number;
  jitter: number;
  size: number;
}

export interface RequestPlan {
  /** The delay in ms, jitter applied. Under `trickle`, the time over which the body is spread. */
  delay: number;
  size: number;
  status: number;
  fault: Fault | undefined;
  id: string | undefined;
}

export type PlanResult = { ok: true; plan: RequestPlan } | { ok: false; message: string };

const MS_RANGE = `a number of ms from 0 to ${MAX_DELAY_MS}`;
const BYTES_RANGE = `an integer number of bytes from 0 to ${MAX_BODY_BYTES}`;

/** Validates the server-wide options once, at the door. */
export function validateDefaults(options: {
  delay?: unknown;
  jitter?: unknown;
  size?: unknown;
}): ServerDefaults {
  const check = (name: string, value: unknown, fallback: number, max: number, integer: boolean): number => {
    if (value === undefined) return fallback;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < 0 ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      const what = integer ? BYTES_RANGE : MS_RANGE;
      throw new OptionError(`Expected \`${name}\` to be ${what}, got \`${describe(value)}\``);
    }
    return value;
  };
  return {
    delay: check('delay', options.delay, 0, MAX_DELAY_MS, false),
    jitter: check('jitter', options.jitter, 0, MAX_DELAY_MS, false),
    size: check('size', options.size, DEFAULT_BODY_BYTES, MAX_BODY_BYTES, true),
  };
}

/** Validates the host and port the server is asked to listen on. */
export function validateAddress(options: { host?: unknown; port?: unknown }): { host: string; port: number } {
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') {
    throw new OptionError(`Expected \`host\` to be a host name or IP address, got \`${describe(host)}\``);
  }
  const port = options.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    throw new OptionError(
      `Expected \`port\` to be an integer from 0 (a free port) to ${MAX_PORT}, got \`${describe(port)}\``,
    );
  }
  return { host, port };
}

function parseNumber(
  query: URLSearchParams,
  name: string,
  fallback: number,
  integer: boolean,
): number | string {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const max = integer ? MAX_BODY_BYTES : MAX_DELAY_MS;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > max || (integer && !Number.isInteger(value))) {
    return `Expected \`${name}\` to be ${integer ? BYTES_RANGE : MS_RANGE}, got ${JSON.stringify(raw)}`;
  }
  return value;
}

/**
 * The plan for one request. `random` returns a number in [0, 1) (Math.random by default): jitter
 * moves the delay uniformly within ±jitter, never below 0.
 */
export function planRequest(
  query: URLSearchParams,
  defaults: ServerDefaults,
  random: () => number = Math.random,
): PlanResult {
  for (const name of query.keys()) {
    if (!KNOWN.has(name)) {
      return {
        ok: false,
        message: `Unknown query parameter \`${name}\` (known: ${[...KNOWN].join(', ')})`,
      };
    }
  }
  const delay = parseNumber(query, 'delay', defaults.delay, false);
  if (typeof delay === 'string') return { ok: false, message: delay };
  const jitter = parseNumber(query, 'jitter', defaults.jitter, false);
  if (typeof jitter === 'string') return { ok: false, message: jitter };
  const size = parseNumber(query, 'size', defaults.size, true);
  if (typeof size === 'string') return { ok: false, message: size };
  const rawStatus = query.get('status');
  const status = rawStatus === null ? 200 : Number(rawStatus);
  if (!Number.isInteger(status) || status < MIN_STATUS || status > MAX_STATUS) {
    return {
      ok: false,
      message: `Expected \`status\` to be an HTTP status from ${MIN_STATUS} to ${MAX_STATUS}, got ${JSON.stringify(rawStatus)}`,
    };
  }
  const rawFault = query.get('fault');
  if (rawFault !== null && !(FAULTS as readonly string[]).includes(rawFault)) {
    return {
      ok: false,
      message: `Expected \`fault\` to be one of ${FAULTS.join(', ')}, got ${JSON.stringify(rawFault)}`,
    };
  }
  const id = query.get('id') ?? undefined;
  if (id !== undefined && id.length > MAX_ID_LENGTH) {
    return { ok: false, message: `Expected \`id\` to be at most ${MAX_ID_LENGTH} characters long` };
  }
  const jittered = jitter === 0 ? delay : delay + (2 * random() - 1) * jitter;
  return {
    ok: true,
    plan: { delay: Math.max(0, jittered), size, status, fault: (rawFault as Fault | null) ?? undefined, id },
  };
}
