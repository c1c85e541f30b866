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

/** Objects structured cloning copies faithfully, class and all, and which hold no values of their own to check. */
const FAITHFUL_LEAVES = new Set<unknown>([
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  SharedArrayBuffer.prototype,
  DataView.prototype,
  Int8Array.prototype,
  Uint8Array.prototype,
  Uint8ClampedArray.prototype,
  Int16Array.prototype,
  Uint16Array.prototype,
  Int32Array.prototype,
  Uint32Array.prototype,
  Float32Array.prototype,
  Float64Array.prototype,
  BigInt64Array.prototype,
  BigUint64Array.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  BigInt.prototype,
  Error.prototype,
  EvalError.prototype,
  RangeError.prototype,
  ReferenceError.prototype,
  SyntaxError.prototype,
  TypeError.prototype,
  URIError.prototype,
  // A Buffer arrives from a worker as a Uint8Array (the same bytes): the one documented exception.
  Buffer.prototype,
]);

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * Why `value` would arrive other than it left: it is, or holds, an instance of a class that cloning
 * turns into a plain object (its prototype and methods gone). Undefined when it would arrive intact.
 * Under every strategy such a value is refused, so that what works in-process works in a worker.
 */
export function classProblem(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const seen = new Set<object>();
  const stack: object[] = [value];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const proto = Object.getPrototypeOf(next) as object | null;
    if (Array.isArray(next)) {
      for (let i = 0; i < next.length; i++) if (isObject(next[i])) stack.push(next[i]);
    } else if (proto === Object.prototype || proto === null) {
      for (const key in next) {
        const child = (next as Record<string, unknown>)[key];
        if (isObject(child)) stack.push(child);
      }
    } else if (next instanceof Map && proto === Map.prototype) {
      for (const [key, child] of next) {
        if (isObject(key)) stack.push(key);
        if (isObject(child)) stack.push(child);
      }
    } else if (next instanceof Set && proto === Set.prototype) {
      for (const child of next) if (isObject(child)) stack.push(child);
    } else if (!FAITHFUL_LEAVES.has(proto)) {
      const name = (proto as { constructor?: { name?: string } }).constructor?.name || 'an anonymous class';
      const what = next === value ? 'it is' : 'it holds';
      return `${what} an instance of ${name}, which would arrive as a plain object without its methods`;
    }
  }
  return undefined;
}

/** Whether `value` is or holds a class instance (see classProblem): the cheap test for every input sent. */
export function holdsClassInstance(value: unknown): boolean {
  return isObject(value) && classProblem(value) !== undefined;
}

/**
 * Why `value` cannot cross to another thread or process, or undefined when it can: the crossing's own
 * test (`check`: structured cloning by default; a child process's IPC serializes with v8), then the
 * class check, so that nothing arrives other than it left.
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
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return classProblem(value);
}
