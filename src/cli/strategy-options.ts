/**
 * Parsing the options that name strategies and counts, shared by the commands that measure:
 * `--strategies a,b`, `--runs 3` (`--concurrency` for compare: configurations.ts).
 * Every bad value is a CliError (exit 2) that names the option, what was expected and what arrived.
 */
import { isStrategyName, STRATEGIES, type StrategyName } from '../core/options.js';
import { CliError } from './errors.js';

const LIST_SEPARATOR = ',';

function unknownStrategy(option: string, name: string): CliError {
  return new CliError(`${option}: unknown strategy \`${name}\` (expected ${STRATEGIES.join(', ')})`);
}

/** `sequential,threads` → ['sequential', 'threads'], in the order given, without repeats. */
export function parseStrategies(text: string): StrategyName[] {
  const names = text
    .split(LIST_SEPARATOR)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0)
    throw new CliError(`--strategies: expected a comma-separated list, got \`${text}\``);
  for (const name of names) if (!isStrategyName(name)) throw unknownStrategy('--strategies', name);
  return [...new Set(names as StrategyName[])];
}

/** A whole number ≥ `least`, from an option's text. */
export function parseCount(option: string, text: string, least: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < least) {
    const expected = least === 0 ? 'a whole number (0 or more)' : `a whole number of at least ${least}`;
    throw new CliError(`${option}: expected ${expected}, got \`${text}\``);
  }
  return value;
}

/** A positive number of milliseconds. */
export function parseMilliseconds(option: string, text: string): number {
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new CliError(`${option}: expected a positive number of ms, got \`${text}\``);
  }
  return value;
}
