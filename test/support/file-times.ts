/**
 * A `node --test` reporter that writes one JSON line per test file: how long it ran and how many of its
 * tests passed, failed and were skipped. The tier runner (run-tiers.ts) adds these up across its runs;
 * slowest-files.ts shares the gathering. Works on the events of Node 20, 22 and 24.
 */
import path from 'node:path';

/** The fields of a test event this module reads; Node adds others from version to version. */
export interface ReporterEvent {
  type: string;
  data?: {
    name?: string;
    nesting?: number;
    file?: string;
    skip?: unknown;
    todo?: unknown;
    details?: { duration_ms?: number; type?: string };
  };
}

export interface FileTime {
  /** Absolute path of the test file. */
  file: string;
  /** Its own wall time: the file's process from start to exit where Node reports it. */
  ms: number;
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * The event Node sends for a file as a whole: named with the file's absolute path (Node 20) or the
 * path relative to the working directory (22 and later).
 */
function isWholeFile(data: NonNullable<ReporterEvent['data']>): boolean {
  if (data.file === undefined || data.name === undefined || data.nesting !== 0) return false;
  return data.name === data.file || path.resolve(data.name) === data.file;
}

interface Tally {
  /** The whole file's duration, when Node reported one. */
  wholeMs: number | undefined;
  /** The top-level tests' durations added up: the measure when Node gives no whole-file event. */
  topLevelMs: number;
  passed: number;
  failed: number;
  skipped: number;
}

/** Every file's time and counts, in the order their first result arrived. */
export async function collectFileTimes(source: AsyncIterable<ReporterEvent>): Promise<FileTime[]> {
  const tallies = new Map<string, Tally>();
  for await (const event of source) {
    const { type, data } = event;
    if (type !== 'test:pass' && type !== 'test:fail' && type !== 'test:complete') continue;
    if (data?.file === undefined) continue;
    let tally = tallies.get(data.file);
    if (tally === undefined) {
      tally = { wholeMs: undefined, topLevelMs: 0, passed: 0, failed: 0, skipped: 0 };
      tallies.set(data.file, tally);
    }
    const ms = data.details?.duration_ms ?? 0;
    if (isWholeFile(data)) {
      // test:complete and test:fail can both come for one file: the same duration twice.
      tally.wholeMs = Math.max(tally.wholeMs ?? 0, ms);
      // A file that fails outside any test (it throws on load, or exits early) counts as one failure.
      if (type === 'test:fail') tally.failed++;
      continue;
    }
    // test:complete repeats a test:pass or test:fail, and not every Node 20 release sends it.
    if (type === 'test:complete') continue;
    if (data.nesting === 0) tally.topLevelMs += ms;
    if (data.details?.type === 'suite') continue;
    if (data.skip || data.todo) tally.skipped++;
    else if (type === 'test:fail') tally.failed++;
    else tally.passed++;
  }
  return [...tallies].map(([file, t]) => ({
    file,
    ms: t.wholeMs ?? t.topLevelMs,
    passed: t.passed,
    failed: t.failed,
    skipped: t.skipped,
  }));
}

export default async function* fileTimes(source: AsyncIterable<ReporterEvent>): AsyncGenerator<string> {
  for (const time of await collectFileTimes(source)) yield `${JSON.stringify(time)}\n`;
}
