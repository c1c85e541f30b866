/** Checks on the values a task takes and returns, the same under every strategy. */

export interface Thenable {
  then(onFulfilled: (value: unknown) => void, onRejected: (error: unknown) => void): unknown;
}

/** A promise, or anything that behaves as one (what `await` would wait for). */
export function isThenable(value: unknown): value is Thenable {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Thenable).then === 'function'
  );
}

/**
 * Why `value` cannot cross to another thread or process, or undefined when it can. `check` is the
 * crossing's own test (structured cloning by default; a child process's IPC serializes with v8).
 */
export function cloneProblem(
  value: unknown,
  check: (value: unknown) => void = structuredClone,
): string | undefined {
  // Primitives other than symbols always cross: skip the cost for them.
  if (
    value === null ||
    (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')
  ) {
    return undefined;
  }
  try {
    check(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
