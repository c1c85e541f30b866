/** Settings the environment may override: documented in docs/run.md, each with its own variable. */
import { CliError } from './errors.js';

/**
 * A whole number from `name` in the environment, from `min` to `max`; `fallback` when it is unset or
 * empty. Anything else is a usage error naming the variable.
 */
export function envCount(
  name: string,
  fallback: number,
  min: number,
  max: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}, got \`${text}\``);
  }
  return value;
}
