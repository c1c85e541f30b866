/**
 * What identifies the inputs an output was made from, so --resume can refuse to continue it from other
 * inputs (whose indices would mean other things: the two jobs' results would mix, silently).
 *
 * The record is a file beside the output, `<out>.fanout.json`: the output's lines stay exactly as they
 * were, for every tool that reads them. It holds the inputs file's size and the SHA-256 of its first and
 * of its last FINGERPRINT_SAMPLE_BYTES. That costs two small reads whatever the file's size, and catches
 * another file (its start differs), a regenerated one (its end or its size differs: inputs added,
 * removed, edited near the end), and a file cut short; what it cannot see is an edit in the middle of a
 * file that keeps its size. (Hashing each recorded input instead would see that too, but the record would
 * grow with the inputs, or every output line would carry a hash.)
 *
 * Inputs that are not a regular file (stdin, a pipe) cannot be read twice: nothing is recorded or
 * checked for them.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { OptionError } from '../core/errors.js';
import { regularFileSize } from './count.js';
import { replaceFile, writeAll } from './temp.js';

/** Bytes hashed at each end of the inputs file. */
export const FINGERPRINT_SAMPLE_BYTES = 64 * 1024;
/** The record's name: the output's real path plus this. */
export const RECORD_SUFFIX = '.fanout.json';
const RECORD_VERSION = 1;

export interface InputsFingerprint {
  /** The absolute path, to name it in messages (a moved file is still the same inputs). */
  path: string;
  size: number;
  sampleBytes: number;
  /** SHA-256 of the first `sampleBytes`, and of the last, in hex. */
  head: string;
  tail: string;
}

/** How --resume checked the inputs against the output's record. */
export type InputsCheck =
  | 'matched'
  /** The output held nothing: its record is new. */
  | 'new'
  /** The inputs are not a file now (stdin, a pipe, or not said), or were not when the output was made. */
  | 'not-a-file'
  /** The output has no record (made by a fanout before records, or by a library call without `inputsFile`). */
  | 'no-record';

interface RunRecord {
  fanout: 'run';
  version: number;
  /** Undefined when the inputs were not a regular file. */
  inputs?: InputsFingerprint;
}

const count = (n: number): string => n.toLocaleString('en-US');

function hashRange(fd: number, start: number, length: number): string {
  const buffer = Buffer.alloc(length);
  for (let done = 0; done < length; ) {
    const read = readSync(fd, buffer, done, length - done, start + done);
    if (read === 0) break;
    done += read;
  }
  return createHash('sha256').update(buffer).digest('hex');
}

/** The fingerprint of an inputs file, or undefined for stdin ('-') and anything but a regular file. */
export function fingerprintInputs(source: string): InputsFingerprint | undefined {
  const size = regularFileSize(source);
  if (size === undefined) return undefined;
  const sampleBytes = Math.min(FINGERPRINT_SAMPLE_BYTES, size);
  const fd = openSync(source, 'r');
  try {
    return {
      path: resolve(source),
      size,
      sampleBytes,
      head: hashRange(fd, 0, sampleBytes),
      tail: hashRange(fd, size - sampleBytes, sampleBytes),
    };
  } finally {
    closeSync(fd);
  }
}

export function recordPath(realOut: string): string {
  return `${realOut}${RECORD_SUFFIX}`;
}

/** Writes the record for a fresh output (atomically: a torn record would stop every resume). */
export async function writeRecord(realOut: string, inputs: InputsFingerprint | undefined): Promise<void> {
  const record: RunRecord = { fanout: 'run', version: RECORD_VERSION, ...(inputs && { inputs }) };
  const text = `${JSON.stringify(record, null, 2)}\n`;
  try {
    await replaceFile(recordPath(realOut), (file) => writeAll(file, Buffer.from(text)));
  } catch (error) {
    throw new OptionError(`cannot write ${recordPath(realOut)}: ${(error as Error).message}`);
  }
}

function readRecord(path: string, shownOut: string): RunRecord | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OptionError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const record = JSON.parse(text) as RunRecord;
    if (record.fanout === 'run' && typeof record.version === 'number') return record;
  } catch {
    // Reported below.
  }
  throw new OptionError(
    `${path} is not the inputs record of fanout run, so --resume cannot check the inputs of ${shownOut}: remove it to resume without the check`,
  );
}

function differs(then: InputsFingerprint, now: InputsFingerprint): string | undefined {
  if (then.size !== now.size) return `it was ${count(then.size)} bytes, this one is ${count(now.size)}`;
  if (then.sampleBytes !== now.sampleBytes || then.head !== now.head) return 'their first bytes differ';
  if (then.tail !== now.tail) return 'their last bytes differ';
  return undefined;
}

/**
 * Before --resume touches the output: refuses inputs other than the ones it was made from. Records the
 * inputs of an output that has no record yet, so that the next resume is checked.
 */
export async function checkInputs(
  realOut: string,
  shownOut: string,
  inputs: InputsFingerprint | undefined,
  shownInputs: string,
): Promise<InputsCheck> {
  const path = recordPath(realOut);
  const record = readRecord(path, shownOut);
  if (record === undefined) {
    if (inputs !== undefined) await writeRecord(realOut, inputs);
    return 'no-record';
  }
  if (record.inputs === undefined || inputs === undefined) return 'not-a-file';
  const why = differs(record.inputs, inputs);
  if (why === undefined) return 'matched';
  throw new OptionError(
    `${shownInputs} is not the inputs ${shownOut} was made from (${record.inputs.path}: ${why}): ` +
      `--resume with those inputs, or remove ${path} to resume anyway`,
  );
}
