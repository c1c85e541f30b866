/**
 * Reading inputs: NDJSON (one JSON value per line) or one JSON array, from a file or stdin ('-').
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

/** All inputs at once, for `compare` and `advise`: an NDJSON file or a JSON array; any bad line is fatal. */
export async function readAllInputs(source: string): Promise<unknown[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of openSource(source)) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const name = source === '-' ? 'stdin' : source;
  if (text.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // Not one JSON array: maybe NDJSON whose first value is an array; read it line by line below.
    }
  }
  const values: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      throw new CliError(`${name}: malformed JSON on line ${i + 1}: ${(error as Error).message}`);
    }
  }
  if (values.length === 0) throw new CliError(`${name} holds no inputs`);
  return values;
}
