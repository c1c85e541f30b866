/**
 * What the HTTP workloads share: one keep-alive connection pool per worker (opened in `setup`, closed in
 * `teardown`) and a GET that reads the body and words every failure in a few words a user can act on.
 */
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import type { Agent, Dispatcher } from 'undici';
import { describe } from '../core/errors.js';
import type { SetupContext } from '../core/types.js';

// Only undici's Agent and its request, not its index: the index loads fetch, WebSocket, the caches and
// the mocks too, about 150 ms of CPU where these two take about 40, paid by every worker thread and
// process that loads a workload (undici 7 has no `exports` map; the version is pinned in package.json).
const require = createRequire(import.meta.url);
const UndiciAgent = require('undici/lib/dispatcher/agent.js') as typeof Agent;
const request = require('undici/lib/api/api-request.js') as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/** Where there is no worker's pool (a workload called without its `setup`): undici's global one. */
function globalDispatcher(): Dispatcher {
  return (require('undici/lib/global.js') as { getGlobalDispatcher(): Dispatcher }).getGlobalDispatcher();
}

/** How long to wait for the response headers, and at most between two pieces of the body. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/** An error body up to this size is quoted in the error message when it is plain text. */
const MAX_QUOTED_BODY_BYTES = 200;

export interface HttpOptions {
  /** @default 30000 */
  headersTimeout?: number;
  /** @default 30000 */
  bodyTimeout?: number;
}

export interface HttpState {
  agent: Agent;
  headersTimeout: number;
  bodyTimeout: number;
}

/** A task option, read from `context.options`; `workload` names the module in the error. */
export function numberOption(
  workload: string,
  options: unknown,
  name: string,
  fallback: number,
  what: { integer: boolean; unit: string },
): number {
  const value =
    options !== null && typeof options === 'object' ? (options as Record<string, unknown>)[name] : undefined;
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (what.integer && !Number.isInteger(value))
  ) {
    const kind = what.integer ? 'a positive whole number of' : 'a positive number of';
    throw new Error(`${workload} expects \`${name}\` to be ${kind} ${what.unit}, got \`${describe(value)}\``);
  }
  return value;
}

/** Opens this worker's connection pool, with the time-outs the task options ask for. */
export function openPool(workload: string, context: SetupContext): HttpState {
  const ms = { integer: false, unit: 'ms' };
  const options = context.options;
  const headersTimeout = numberOption(workload, options, 'headersTimeout', DEFAULT_HEADERS_TIMEOUT_MS, ms);
  const bodyTimeout = numberOption(workload, options, 'bodyTimeout', DEFAULT_BODY_TIMEOUT_MS, ms);
  return { agent: new UndiciAgent({ headersTimeout, bodyTimeout }), headersTimeout, bodyTimeout };
}

/** Closes this worker's connection pool; nothing is in flight by then. */
export async function closePool(state: HttpState | undefined): Promise<void> {
  await state?.agent.destroy();
}

/** Why a request failed, in a few words a user can act on. */
function explain(error: unknown, signal: AbortSignal, state: HttpState | undefined): string {
  if (signal.aborted) {
    const reason = signal.reason;
    return `aborted (${reason instanceof Error ? reason.message : String(reason)})`;
  }
  if (!(error instanceof Error)) return `a non-Error was thrown: ${describe(error)}`;
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'ECONNRESET':
      return 'the connection was reset (ECONNRESET)';
    case 'ECONNREFUSED':
      return 'the connection was refused (ECONNREFUSED): is the server running?';
    case 'ENOTFOUND':
      return 'the host was not found (ENOTFOUND)';
    case 'UND_ERR_SOCKET':
      return `the server closed the connection (${error.message})`;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `timed out: no response within ${state?.headersTimeout ?? 'the default'} ms`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `timed out: the body stalled for ${state?.bodyTimeout ?? 'the default'} ms`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timed out while connecting';
    default:
      return `${error.name}: ${error.message}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}

function parseUrl(workload: string, input: unknown): URL {
  if (typeof input === 'string') {
    try {
      const url = new URL(input);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    } catch {}
  }
  throw new Error(`${workload} expects an http(s) URL string, got \`${describe(input)}\``);
}

/**
 * GETs `url` through the worker's pool, hands each piece of a 2xx body to `onChunk`, and returns the
 * number of body bytes. A failed request or a non-2xx answer throws one line naming the URL and the cause.
 */
export async function get(
  workload: string,
  url: unknown,
  state: HttpState | undefined,
  signal: AbortSignal,
  onChunk?: (chunk: Buffer) => void,
): Promise<number> {
  const target = parseUrl(workload, url);
  let status: number;
  let bytes = 0;
  let quoted = '';
  try {
    const path = target.search ? `${target.pathname}${target.search}` : target.pathname;
    const dispatcher = state?.agent ?? globalDispatcher();
    const response = await request.call(dispatcher, { origin: target.origin, path, method: 'GET', signal });
    status = response.statusCode;
    const ok = status >= 200 && status <= 299;
    const textual = /^text\/plain\b/.test(String(response.headers['content-type'] ?? ''));
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (ok) onChunk?.(chunk);
      else if (textual && bytes <= MAX_QUOTED_BODY_BYTES) quoted += chunk.toString('utf8');
    }
    // undici hands a finished socket back to its pool one event-loop turn later (a setImmediate, so that
    // a server that closes it anyway is noticed first). Waiting for that turn here means the worker's
    // next request reuses this connection instead of opening a second one.
    await new Promise((resolve) => setImmediate(resolve));
  } catch (error) {
    throw new Error(`GET ${url} failed: ${explain(error, signal, state)}`, { cause: error });
  }
  if (status < 200 || status > 299) {
    const detail = bytes <= MAX_QUOTED_BODY_BYTES ? quoted.trim().split('\n')[0] : '';
    const phrase = [status, STATUS_CODES[status]].filter(Boolean).join(' ');
    throw new Error(`GET ${url} answered ${phrase}${detail ? `: ${detail}` : ''}`);
  }
  return bytes;
}
