/**
 * The comparison as JSON: everything, every run and every timeline, for machines. Pure.
 */
import type { Comparison } from '../measure/types.js';

/** Bumped when a field changes meaning or goes away (new fields do not bump it). */
export const JSON_FORMAT_VERSION = 1;

/** BigInts (which JSON has no type for) become decimal strings; Infinity and NaN become null, as JSON does. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function renderJson(c: Comparison): string {
  return `${JSON.stringify({ format: 'fanout-compare', version: JSON_FORMAT_VERSION, ...c }, replacer, 2)}\n`;
}
