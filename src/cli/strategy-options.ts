/**
 * Parsing the options that name strategies and counts, shared by the commands that measure:
 * `--strategies a,b`, `--concurrency 4` or `--concurrency threads=4,async=32`, `--runs 3`.
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

/** A positive number of seconds (`5`, `0.5`), as ms: the advisor's budgets. */
export function parseSeconds(option: string, text: string): number {
  const seconds = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new CliError(`${option}: expected a positive number of seconds, got \`${text}\``);
  }
  return seconds * 1000;
}

export type ConcurrencySetting = Partial<Record<StrategyName, number>>;

/**
 * `4` → 4 for async, threads and processes; `threads=4,async=32` → per strategy; both may mix
 * (`8,threads=2`: 8 everywhere but threads). Sequential always runs one at a time.
 */
export function parseConcurrency(text: string): ConcurrencySetting {
  const option = '--concurrency';
  const setting: ConcurrencySetting = {};
  const perStrategy: ConcurrencySetting = {};
  const items = text.split(LIST_SEPARATOR).map((item) => item.trim());
  if (items.every((item) => item === '')) {
    throw new CliError(`${option}: expected a number or strategy=number pairs, got \`${text}\``);
  }
  for (const item of items) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq === -1) {
      const n = parseCount(option, item, 1);
      setting.async = setting.threads = setting.processes = n;
      continue;
    }
    const name = item.slice(0, eq).trim();
    if (!isStrategyName(name)) throw unknownStrategy(option, name);
    const n = parseCount(`${option} ${name}`, item.slice(eq + 1), 1);
    if (name === 'sequential' && n !== 1) {
      throw new CliError(`${option}: sequential always runs one task at a time, got \`${item}\``);
    }
    perStrategy[name] = n;
  }
  return { ...setting, ...perStrategy };
}
