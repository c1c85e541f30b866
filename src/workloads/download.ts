/**
 * The seed's I/O-bound job as a task module: GET a URL and return the number of body bytes.
 *
 * Like the seed's `requests.Session` per thread (or per process, through the pool's initializer),
 * each worker opens ONE keep-alive connection pool in `setup` and closes it in `teardown`, so a
 * worker reuses its connections instead of opening one per request.
 *
 * Task options (the executor's `taskOptions`): `{ headersTimeout?: number, bodyTimeout?: number }` in ms.
 */
import type { SetupContext, TaskContext } from '../core/types.js';
import { closePool, get, type HttpOptions, type HttpState, openPool } from './http-get.js';

export { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_HEADERS_TIMEOUT_MS } from './http-get.js';
export type DownloadOptions = HttpOptions;
export type DownloadState = HttpState;

const NAME = 'download';

/** Opens this worker's connection pool. */
export function setup(context: SetupContext): DownloadState {
  return openPool(NAME, context);
}

/** Closes this worker's connection pool; nothing is in flight by then. */
export const teardown = closePool;

/** GETs `url` through this worker's pool and returns the number of body bytes. */
export default function download(url: string, context: TaskContext): Promise<number> {
  return get(NAME, url, context.state as DownloadState | undefined, context.signal);
}
