/**
 * Reading inputs: NDJSON (one JSON value per line), from a file or stdin ('-'), by one rule for every
 * command (src/run/lines.ts): a line holding an array is one input.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { MAX_INPUT_LINE_BYTES, MAX_INPUT_LINE_BYTES_CEILING, parseInputLines } from '../run/lines.js';
import { envCount } from './env.js';
import { CliError } from './errors.js';

/**
 * Overrides MAX_INPUT_LINE_BYTES, in bytes: for tests (which need not write 64 MiB to cross it) and
 * for the rare job whose inputs are larger (up to V8's longest string). Documented in docs/run.md.
 */
export const MAX_LINE_ENV = 'FANOUT_MAX_INPUT_LINE_BYTES';

/** One line of an NDJSON source: its value, or why it could not be parsed. */
export type InputLine = { line: number; value: unknown } | { line: number; error: string };

function openSource(source: string): Readable {
  if (source === '-') return process.stdin;
  if (!existsSync(source)) throw new CliError(`inputs file not found: ${source}`);
  if (statSync(source).isDirectory()) throw new CliError(`inputs must be a file, got a directory: ${source}`);
  return createReadStream(source);
}

/** The longest input line: MAX_INPUT_LINE_BYTES unless FANOUT_MAX_INPUT_LINE_BYTES says otherwise. */
export function maxInputLineBytes(env: NodeJS.ProcessEnv = process.env): number {
  return envCount(MAX_LINE_ENV, MAX_INPUT_LINE_BYTES, 1, MAX_INPUT_LINE_BYTES_CEILING, env);
}

/**
 * Every non-blank line, parsed, as a stream: memory stays flat whatever the file's size (and whatever
 * one line's: see src/run/lines.ts). Checks the line limit now, so a bad override is a usage error.
 */
export function readInputLines(source: string): AsyncIterableIterator<InputLine> {
  const maxLineBytes = maxInputLineBytes();
  // Opened when the run first reads, as before: a run refused at its start never touches stdin.
  const chunks = { [Symbol.asyncIterator]: () => openSource(source)[Symbol.asyncIterator]() };
  return parseInputLines(chunks, maxLineBytes);
}

/**
 * All inputs at once, for `compare` and `advise`: the same NDJSON rule and the same checks as
 * `fanout run` (src/run/lines.ts), but any bad line is fatal here, named by its line number.
 */
export async function readAllInputs(source: string): Promise<unknown[]> {
  const name = source === '-' ? 'stdin' : source;
  const values: unknown[] = [];
  for await (const record of readInputLines(source)) {
    if ('error' in record) {
      const hint = record.error.startsWith('malformed JSON')
        ? ' (inputs are NDJSON: one JSON value per line)'
        : '';
      throw new CliError(`${name}: ${record.error}${hint}`);
    }
    values.push(record.value);
  }
  if (values.length === 0) throw new CliError(`${name} holds no inputs`);
  return values;
}
