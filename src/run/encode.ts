/**
 * Result lines: one JSON object per input, written by hand around the encoded value so the
 * wrapper never costs a second `JSON.stringify`.
 *
 * Values JSON cannot represent are written as one-key marker objects (see docs/run.md):
 * `{"$bigint":"123"}`, `{"$number":"NaN"}` (also Infinity, -Infinity), `{"$map":[[k,v],…]}`,
 * `{"$set":[…]}`, `{"$error":{"name":…,"message":…}}`, `{"$typedarray":"Uint8Array","values":[…]}`.
 * Everything else follows JSON's own rules (Dates become ISO strings, `undefined` drops out of objects).
 */

/** What an error line says about one failed input. */
export interface FailureFields {
  name: string;
  message: string;
  /** A stable code, when there is one: fanout's `ERR_FANOUT_*`, or the code the task's error carried. */
  code?: string;
}

/** The code of error lines written for inputs a second signal aborted: `--resume` runs them again. */
export const ABORTED_CODE = 'ERR_FANOUT_ABORTED';
/** The code of an error line for a malformed input line. */
export const INPUT_CODE = 'ERR_FANOUT_INPUT';
/** The code of an error line for an output that cloned but cannot be written as JSON (a cycle). */
export const OUTPUT_JSON_CODE = 'ERR_FANOUT_OUTPUT_JSON';

function replacer(_key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return { $bigint: value.toString() };
    case 'number':
      return Number.isFinite(value) ? value : { $number: String(value) };
    case 'object':
      if (value === null) return null;
      if (value instanceof Map) return { $map: [...value] };
      if (value instanceof Set) return { $set: [...value] };
      if (value instanceof Error) return { $error: { name: value.name, message: value.message } };
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        return {
          $typedarray: value.constructor.name,
          values: Array.from(value as unknown as ArrayLike<unknown>),
        };
      }
      return value;
    default:
      return value;
  }
}

/**
 * A value as JSON text, markers included; `undefined` for `undefined` (the line then has no "value").
 * Throws a TypeError for a cyclic value, the one thing no JSON encoding can hold.
 */
export function encodeValue(value: unknown): string | undefined {
  // The common cases need no replacer: strings, booleans, null and finite numbers are JSON already.
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === undefined) return undefined;
  return JSON.stringify(value, replacer);
}

/** `{"index":…,"ok":true,"value":…}`; a value JSON cannot hold (a cycle) becomes an error line instead. */
export function okLine(index: number, value: unknown, attempts: number): { line: string; ok: boolean } {
  let encoded: string | undefined;
  try {
    encoded = encodeValue(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const failure: FailureFields = {
      name: 'OutputEncodingError',
      message: `the output of input ${index} cannot be written as JSON: ${reason}`,
      code: OUTPUT_JSON_CODE,
    };
    return { line: errorLine(index, failure, attempts), ok: false };
  }
  const line =
    encoded === undefined
      ? `{"index":${index},"ok":true}`
      : `{"index":${index},"ok":true,"value":${encoded}}`;
  return { line, ok: true };
}

/** `{"index":…,"ok":false,"error":{"name":…,"message":…,"attempts":…,"code":…}}` */
export function errorLine(index: number, failure: FailureFields, attempts: number): string {
  const code = failure.code === undefined ? '' : `,"code":${JSON.stringify(failure.code)}`;
  return (
    `{"index":${index},"ok":false,"error":{"name":${JSON.stringify(failure.name)},` +
    `"message":${JSON.stringify(failure.message)},"attempts":${attempts}${code}}}`
  );
}
