/**
 * What the task's inputs and outputs cost to pass to a worker: their serialized size (`v8.serialize`,
 * the format of both `postMessage` and fanout's process channel) and the time to structured-clone them.
 */
import { performance } from 'node:perf_hooks';
import { serialize } from 'node:v8';
import type { MessageFigures } from './types.js';

/** Clone the whole set this many times at most, so the clock has something to measure for tiny values. */
const CLONE_REPEATS = 5;
/** …and stop repeating once this much time was spent. */
const CLONE_MIN_MS = 2;

function serializedBytes(values: readonly unknown[]): number {
  if (values.length === 0) return 0;
  try {
    // One array's framing is a few bytes: spread over many values it vanishes.
    return serialize(values).byteLength / values.length;
  } catch {
    return 0;
  }
}

function cloneMs(values: readonly unknown[]): number {
  if (values.length === 0) return 0;
  let repeats = 0;
  const start = performance.now();
  try {
    do {
      structuredClone(values);
      repeats++;
    } while (repeats < CLONE_REPEATS && performance.now() - start < CLONE_MIN_MS);
  } catch {
    return 0;
  }
  return (performance.now() - start) / repeats / values.length;
}

export function measureMessages(inputs: readonly unknown[], outputs: readonly unknown[]): MessageFigures {
  return {
    inputBytes: serializedBytes(inputs),
    outputBytes: serializedBytes(outputs),
    cloneMs: cloneMs(inputs) + cloneMs(outputs),
  };
}
