/**
 * The total for the progress bar, when it is cheap: the non-blank lines of an inputs file of at most
 * PRESCAN_MAX_BYTES, counted by a byte scan before the run (about 0.1 s for the largest). Bigger
 * files and stdin run without a total: the progress shows count and rate, but no ETA.
 */
import { createReadStream, statSync } from 'node:fs';

/** Inputs files up to this size are pre-scanned for their line count. */
export const PRESCAN_MAX_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;

/** ASCII whitespace, as `String.prototype.trim` sees it (lines of only Unicode spaces count as inputs here). */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** How many lines hold something other than whitespace, across chunks (pure). */
export function createLineCounter(): { feed(chunk: Uint8Array): void; total(): number } {
  let count = 0;
  let lineHasText = false;
  return {
    feed(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte === NEWLINE) {
          if (lineHasText) count++;
          lineHasText = false;
        } else if (!lineHasText && !isSpace(byte)) {
          lineHasText = true;
        }
      }
    },
    total: () => count + (lineHasText ? 1 : 0),
  };
}

/** The size of an inputs file, or undefined for stdin ('-') and anything but a regular file. */
export function regularFileSize(source: string): number | undefined {
  if (source === '-') return undefined;
  try {
    const stat = statSync(source);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** The number of inputs in the file, or undefined when it is stdin or too big to scan cheaply. */
export async function countInputs(source: string): Promise<number | undefined> {
  const size = regularFileSize(source);
  if (size === undefined || size > PRESCAN_MAX_BYTES) return undefined;
  const counter = createLineCounter();
  for await (const chunk of createReadStream(source)) counter.feed(chunk as Buffer);
  return counter.total();
}
