/**
 * A `node --test` reporter that names the slowest test files at the end of a run, beside `spec`:
 *   node --test --test-reporter=spec --test-reporter-destination=stdout \
 *     --test-reporter=./dist/test/support/slowest-files.js --test-reporter-destination=stdout …
 * `npm test` runs several `node --test` (one per tier and per timing attempt), so its runner gathers
 * with file-times.ts and prints one list with formatSlowest.
 */
import path from 'node:path';
import { collectFileTimes, type ReporterEvent } from './file-times.js';

/** How many files the list names. */
export const SLOWEST_SHOWN = 10;

export interface SlowFile {
  file: string;
  ms: number;
  /** More than 1 when the tier runner ran the file again after a failure: `ms` adds them all up. */
  attempts?: number;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The slowest `shown` files, slowest first, with their paths relative to the working directory. */
export function formatSlowest(files: readonly SlowFile[], shown = SLOWEST_SHOWN): string {
  const slowest = [...files].sort((a, b) => b.ms - a.ms).slice(0, shown);
  const width = Math.max(0, ...slowest.map((f) => seconds(f.ms).length));
  const lines = slowest.map((f) => {
    const attempts = (f.attempts ?? 1) > 1 ? `  (${f.attempts} attempts)` : '';
    return `  ${seconds(f.ms).padStart(width)}  ${path.relative(process.cwd(), f.file)}${attempts}`;
  });
  return `Slowest test files (${slowest.length} of ${files.length}, each its own wall time):\n${lines.join('\n')}\n`;
}

export default async function* slowestFiles(source: AsyncIterable<ReporterEvent>): AsyncGenerator<string> {
  yield `\n${formatSlowest(await collectFileTimes(source))}`;
}
