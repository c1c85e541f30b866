/**
 * Input records from bytes: lines split on "\n" (a "\r" before it is dropped), checked before they
 * become strings.
 *
 * - A line longer than the limit is never held whole (its bytes are counted and dropped), so a 600 MB
 *   line costs no more memory than a short one, and becomes that input's error instead of a crash
 *   ("Cannot create a string longer than …", past V8's ~512 MiB string limit).
 * - Bytes that are not UTF-8 make that input's error, instead of being replaced with U+FFFD.
 * - A UTF-8 byte-order mark at the very start of the source is dropped.
 *
 * Lines that lie whole inside one chunk are checked and decoded together (one `isUtf8`, one
 * `toString`, one `split` per chunk), and records are handed out from an array per chunk: per-line
 * buffers and an async generator's hop per line would make reading three times slower.
 */
import { constants as bufferConstants, isUtf8 } from 'node:buffer';
import type { InputRecord } from './types.js';

/**
 * The longest input line, in bytes (without its newline). A line is one input: it is decoded into a
 * string, parsed, and cloned to a worker, several copies at once, so the limit sits well below V8's
 * longest string (about 512 MiB), past which a line could not be read at all.
 */
export const MAX_INPUT_LINE_BYTES = 64 * 1024 * 1024;
/** The most a caller may raise the limit to: the longest string V8 can make. */
export const MAX_INPUT_LINE_BYTES_CEILING = bufferConstants.MAX_STRING_LENGTH;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. Only called
 * on a line `isUtf8` rejected, to say where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0; // overlong
      if (lead === 0xed) high = 0x9f; // a surrogate
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90; // overlong
      if (lead === 0xf4) high = 0x8f; // past U+10FFFF
    } else return i;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      if (byte === undefined) return i;
      if (k === 1 ? byte < low || byte > high : byte < 0x80 || byte > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/**
 * The synchronous core: chunks in, records out. `line` numbers count every line (blank ones too);
 * a blank line (empty, or only whitespace) yields no record.
 */
export class InputLineParser {
  readonly maxLineBytes: number;
  #line = 0;
  /** The start of the line that continues into the next chunk. */
  #parts: Buffer[] = [];
  #held = 0;
  /** Its size so far; past maxLineBytes its parts are dropped and only this counts. */
  #size = 0;
  /** The first bytes, while too few to tell whether they open with a byte-order mark. */
  #head: Buffer | undefined = Buffer.alloc(0);

  constructor(maxLineBytes: number = MAX_INPUT_LINE_BYTES) {
    this.maxLineBytes = maxLineBytes;
  }

  push(input: Uint8Array | string, out: InputRecord[]): void {
    let chunk =
      typeof input === 'string'
        ? Buffer.from(input)
        : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (this.#head !== undefined) {
      chunk = Buffer.concat([this.#head, chunk]);
      if (chunk.length < BOM.length && BOM.subarray(0, chunk.length).equals(chunk)) {
        this.#head = chunk;
        return;
      }
      this.#head = undefined;
      if (chunk.subarray(0, BOM.length).equals(BOM)) chunk = chunk.subarray(BOM.length);
    }
    const first = chunk.indexOf(NEWLINE);
    if (first === -1) {
      this.#take(chunk);
      return;
    }
    this.#take(chunk.subarray(0, first));
    this.#finishPartial(out);
    const last = chunk.lastIndexOf(NEWLINE);
    if (last > first) this.#region(chunk.subarray(first + 1, last), out);
    this.#take(chunk.subarray(last + 1));
  }

  /** The source ended: the last line, if it had no newline. */
  end(out: InputRecord[]): void {
    if (this.#head !== undefined && this.#head.length > 0) {
      const head = this.#head;
      this.#head = undefined;
      this.#take(head);
    }
    if (this.#size > 0) this.#finishPartial(out);
  }

  #take(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#size += piece.length;
    if (this.#size > this.maxLineBytes) {
      this.#parts = [];
      this.#held = 0;
    } else {
      this.#parts.push(piece);
      this.#held += piece.length;
    }
  }

  #finishPartial(out: InputRecord[]): void {
    const size = this.#size;
    const bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#held);
    this.#parts = [];
    this.#held = 0;
    this.#size = 0;
    if (size > this.maxLineBytes) this.#tooLong(size, out);
    else this.#bytes(bytes, out);
  }

  /** Whole lines, joined by newlines: checked and decoded at once when they can be. */
  #region(region: Buffer, out: InputRecord[]): void {
    if (region.length <= this.maxLineBytes && isUtf8(region)) {
      for (const text of region.toString('utf8').split('\n')) this.#text(++this.#line, text, out);
      return;
    }
    let start = 0;
    for (;;) {
      const end = region.indexOf(NEWLINE, start);
      const bytes = region.subarray(start, end === -1 ? region.length : end);
      if (bytes.length > this.maxLineBytes) this.#tooLong(bytes.length, out);
      else this.#bytes(bytes, out);
      if (end === -1) return;
      start = end + 1;
    }
  }

  #tooLong(size: number, out: InputRecord[]): void {
    const line = ++this.#line;
    out.push({
      line,
      error: `line ${line} is ${count(size)} bytes long, over the limit of ${count(this.maxLineBytes)} bytes for one input line`,
    });
  }

  #bytes(bytes: Buffer, out: InputRecord[]): void {
    const line = ++this.#line;
    if (isUtf8(bytes)) {
      this.#text(line, bytes.toString('utf8'), out);
      return;
    }
    const at = firstInvalidUtf8(bytes);
    const byte = bytes[at]!.toString(16).padStart(2, '0');
    out.push({
      line,
      error: `line ${line} is not valid UTF-8 (byte ${count(at + 1)} of ${count(bytes.length)} is 0x${byte})`,
    });
  }

  #text(line: number, raw: string, out: InputRecord[]): void {
    const text = raw.charCodeAt(raw.length - 1) === CARRIAGE_RETURN ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    try {
      out.push({ line, value: JSON.parse(text) });
    } catch (error) {
      out.push({ line, error: `malformed JSON on line ${line}: ${(error as Error).message}` });
    }
  }
}

/**
 * Every non-blank line of a byte stream as an input record: its JSON value, or why it is not one (not
 * JSON, not UTF-8, too long). The source is opened (iterated) at the first `next()`, not before: a run
 * that fails to start never starts reading stdin. Ending the iteration early (`return`) ends the
 * source's too.
 */
export function parseInputLines(
  chunks: AsyncIterable<Uint8Array | string>,
  maxLineBytes: number = MAX_INPUT_LINE_BYTES,
): AsyncIterableIterator<InputRecord> {
  return new InputRecords(chunks, new InputLineParser(maxLineBytes));
}

class InputRecords implements AsyncIterableIterator<InputRecord> {
  readonly #chunks: AsyncIterable<Uint8Array | string>;
  #source: AsyncIterator<Uint8Array | string> | undefined;
  readonly #parser: InputLineParser;
  #records: InputRecord[] = [];
  #next = 0;
  #ended = false;

  constructor(chunks: AsyncIterable<Uint8Array | string>, parser: InputLineParser) {
    this.#chunks = chunks;
    this.#parser = parser;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<InputRecord>> {
    // The common case costs no await: a record parsed with the rest of its chunk.
    if (this.#next < this.#records.length) {
      return Promise.resolve({ value: this.#records[this.#next++]!, done: false });
    }
    return this.#refill();
  }

  async return(): Promise<IteratorResult<InputRecord>> {
    this.#ended = true;
    this.#records = [];
    this.#next = 0;
    await this.#source?.return?.();
    return { value: undefined, done: true };
  }

  async #refill(): Promise<IteratorResult<InputRecord>> {
    while (!this.#ended) {
      this.#records = [];
      this.#next = 0;
      this.#source ??= this.#chunks[Symbol.asyncIterator]();
      const chunk = await this.#source.next();
      if (chunk.done) {
        this.#ended = true;
        this.#parser.end(this.#records);
      } else {
        this.#parser.push(chunk.value, this.#records);
      }
      if (this.#records.length > 0) return { value: this.#records[this.#next++]!, done: false };
    }
    return { value: undefined, done: true };
  }
}
