/**
 * --resume: what an existing output file already records.
 *
 * 1. A torn last line (a hard kill in the middle of a write) is cut off: everything after the last
 *    newline is truncated away, and that input runs again.
 * 2. Every line is read: its index is done (a bit in a DoneSet), whether it succeeded or failed,
 *    except for lines a second signal wrote for aborted inputs (code ERR_FANOUT_ABORTED).
 * 3. If there are such aborted lines, the file is rewritten without them (a copy, then an atomic
 *    rename: see temp.ts), so their inputs run again and the file still ends with exactly one line per
 *    input. `path` is the real file (a symlinked --out resolved), so the rewrite replaces the target,
 *    not the link.
 */
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { OptionError } from '../core/errors.js';
import { DoneSet } from './done-set.js';
import { ABORTED_CODE } from './encode.js';
import { replaceFile, writeAll } from './temp.js';

/** How far back at most to look for the last newline at a time, in bytes. */
const TAIL_CHUNK_BYTES = 64 * 1024;
const LINE_START = /^\{"index":(\d+),"ok":(true|false)[,}]/;
const ABORTED_END = `,"code":"${ABORTED_CODE}"}}`;

export interface OutputState {
  /** Whether the file existed (a resume of nothing is a fresh run). */
  existed: boolean;
  /** The indices recorded, which this run skips. */
  done: DoneSet;
  /** Recorded lines that succeeded, and that failed. */
  ok: number;
  failed: number;
  /** Bytes of a torn last line that were truncated away (0: none). */
  tornBytes: number;
  /** Lines of aborted inputs that were removed so those inputs run again. */
  abortedRemoved: number;
  /** Indices recorded more than once (not expected: reported, never fatal). */
  duplicates: number;
}

type Parsed = { index: number; ok: boolean; aborted: boolean };

function parseResultLine(text: string): Parsed | undefined {
  const match = LINE_START.exec(text);
  if (match) {
    const ok = match[2] === 'true';
    return { index: Number(match[1]), ok, aborted: !ok && text.endsWith(ABORTED_END) };
  }
  // Not as fanout writes it (edited by hand?): accept any JSON object with the same fields.
  try {
    const value = JSON.parse(text) as { index?: unknown; ok?: unknown; error?: { code?: unknown } };
    if (!Number.isSafeInteger(value.index) || (value.index as number) < 0) return undefined;
    if (typeof value.ok !== 'boolean') return undefined;
    return {
      index: value.index as number,
      ok: value.ok,
      aborted: !value.ok && value.error?.code === ABORTED_CODE,
    };
  } catch {
    return undefined;
  }
}

/** Cuts everything after the last newline; returns how many bytes went. */
export async function repairTornTail(path: string): Promise<number> {
  const file = await fs.open(path, 'r+');
  try {
    const { size } = await file.stat();
    let end = size;
    const buffer = Buffer.alloc(TAIL_CHUNK_BYTES);
    while (end > 0) {
      const start = Math.max(0, end - TAIL_CHUNK_BYTES);
      const { bytesRead } = await file.read(buffer, 0, end - start, start);
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline !== -1) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end < size) {
      await file.truncate(end);
      await file.sync();
    }
    return size - end;
  } finally {
    await file.close();
  }
}

/** Reads an output file for --resume (repairing it as described above); `shown` names it in messages. */
export async function inspectOutput(path: string, shown = path): Promise<OutputState> {
  const state: OutputState = {
    existed: existsSync(path),
    done: new DoneSet(),
    ok: 0,
    failed: 0,
    tornBytes: 0,
    abortedRemoved: 0,
    duplicates: 0,
  };
  if (!state.existed) return state;
  if ((await fs.stat(path)).isDirectory())
    throw new OptionError(`--out must be a file, got a directory: ${shown}`);
  state.tornBytes = await repairTornTail(path);
  let lineNumber = 0;
  for await (const text of createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    lineNumber++;
    if (text.trim() === '') continue;
    const parsed = parseResultLine(text);
    if (parsed === undefined) {
      throw new OptionError(
        `${shown} line ${lineNumber} is not a result line of fanout run, so --resume cannot continue it: fix or remove that line`,
      );
    }
    if (parsed.aborted) {
      state.abortedRemoved++;
      continue;
    }
    if (!state.done.add(parsed.index)) {
      state.duplicates++;
      continue;
    }
    if (parsed.ok) state.ok++;
    else state.failed++;
  }
  if (state.abortedRemoved > 0) await rewriteWithoutAborted(path, shown);
  return state;
}

/** Lines are copied in batches of about this many bytes. */
const REWRITE_BATCH_BYTES = 1 << 20;

/**
 * Copies every line but the aborted ones to a new file and renames it over the original (temp.ts): the
 * original is untouched unless the copy is whole. A failure (a full disk) says so in one line.
 */
async function rewriteWithoutAborted(path: string, shown: string): Promise<void> {
  try {
    await replaceFile(path, async (file) => {
      let batch: string[] = [];
      let bytes = 0;
      for await (const text of createInterface({
        input: createReadStream(path),
        crlfDelay: Number.POSITIVE_INFINITY,
      })) {
        if (text.trim() === '' || parseResultLine(text)?.aborted) continue;
        batch.push(text);
        bytes += text.length + 1;
        if (bytes >= REWRITE_BATCH_BYTES) {
          await writeAll(file, Buffer.from(`${batch.join('\n')}\n`));
          batch = [];
          bytes = 0;
        }
      }
      if (batch.length > 0) await writeAll(file, Buffer.from(`${batch.join('\n')}\n`));
    });
  } catch (error) {
    throw new Error(
      `cannot rewrite ${shown} without its aborted lines: ${(error as Error).message}; ${shown} is as it was`,
      { cause: error },
    );
  }
}
