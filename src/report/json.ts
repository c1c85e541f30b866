/**
 * The comparison as JSON: everything, every run and every timeline, for machines. Pure.
 */
import type { Comparison } from '../measure/types.js';

/** Bumped when a field changes meaning or goes away (new fields do not bump it). */
export const JSON_FORMAT_VERSION = 2;

/** BigInts (which JSON has no type for) become decimal strings; Infinity and NaN become null, as JSON does. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** `fastest` is null when inputs failed under every configuration (a missing key would read as an old file). */
export function renderJson(c: Comparison): string {
  const data = { format: 'fanout-compare', version: JSON_FORMAT_VERSION, ...c, fastest: c.fastest ?? null };
  return `${JSON.stringify(data, replacer, 2)}\n`;
}
