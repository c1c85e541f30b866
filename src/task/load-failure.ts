/**
 * Why a task module failed to load, said where: `file:line:col` and the cause, in one line.
 *
 * A syntax error in an ES module reaches us without its place (Node keeps the "file:2 ^" frame in a
 * private field, printed only for an uncaught error), so the module's source is checked again with
 * `node --check`, which prints it, on this failure path only. An error thrown while the module loads
 * is placed at the first stack frame that is the user's, not Node's or fanout's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe } from '../core/errors.js';

/** How long `node --check` may take to find a syntax error's place before we go without it. */
export const SYNTAX_CHECK_TIMEOUT_MS = 10_000;

/** fanout's own compiled source: frames in it are not the user's. */
const OWN_SOURCE = fileURLToPath(new URL('..', import.meta.url));
/** Frames that are machinery: Node's internals, fanout, and the TypeScript loader it uses. */
const MACHINERY = [/\(node:/, /at node:/, /[\\/]node_modules[\\/](tsx|esbuild)[\\/]/];

export interface LoadFailure {
  /** `file:line:col`, when it could be found. */
  where: string | undefined;
  /** `SyntaxError: Unexpected token ';'`. */
  reason: string;
}

const CODE_FRAME = /^(.+):(\d+)\n(.*)\n( *)\^/;
const ESBUILD_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m;
const FRAME_PLACE = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/;

function isMachinery(frame: string): boolean {
  return MACHINERY.some((pattern) => pattern.test(frame)) || frame.includes(OWN_SOURCE);
}

function asPath(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}

/** The stack frames of `stack` that are the user's code (the lines starting with `at`). */
export function userFrames(stack: string): string[] {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .filter((line) => !isMachinery(line));
}

/** The most modules a syntax error is looked for in: the task and what it imports by relative path. */
export const SYNTAX_CHECK_MAX_FILES = 20;
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** `node --check` on one module's source: its "file:line / source / ^" frame, or null. */
function checkOne(path: string, source: string): RegExpExecArray | null {
  const type = path.endsWith('.cjs') ? 'commonjs' : 'module';
  const checked = spawnSync(process.execPath, ['--check', `--input-type=${type}`], {
    input: source,
    encoding: 'utf8',
    timeout: SYNTAX_CHECK_TIMEOUT_MS,
  });
  return CODE_FRAME.exec(checked.stderr ?? '');
}

/**
 * The module holding an ES module graph's syntax error, and its frame: the task first, then the
 * modules it imports by relative path (a helper next to it), breadth first.
 */
function findSyntaxError(entry: string): { path: string; frame: RegExpExecArray } | undefined {
  const queue = [entry];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length && i < SYNTAX_CHECK_MAX_FILES; i++) {
    const path = queue[i]!;
    let source: string;
    try {
      source = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const frame = checkOne(path, source);
    if (frame !== null) return { path, frame };
    for (const [, specifier] of source.matchAll(RELATIVE_IMPORT)) {
      const next = fileURLToPath(new URL(specifier!, pathToFileURL(path)));
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** Places a SyntaxError from a code frame, and makes that frame its stack (what `--verbose` shows). */
function fromFrame(error: Error, frame: RegExpExecArray, file: string): LoadFailure {
  const [, , line, source, indent] = frame;
  const reason = `${error.name}: ${error.message}`;
  error.stack = `${file}:${line}\n${source}\n${indent}^\n\n${reason}`;
  return { where: `${file}:${line}:${indent!.length + 1}`, reason };
}

export function explainLoadFailure(url: string, error: unknown): LoadFailure {
  if (!(error instanceof Error)) return { where: undefined, reason: describe(error) };
  const reason = `${error.name}: ${error.message}`;
  const stack = error.stack ?? '';
  // esbuild (a .ts task): "Transform failed with 1 error:\n/x/task.ts:1:18: ERROR: Unexpected ";"",
  // its column counted from 0.
  const esbuild = ESBUILD_ERROR.exec(error.message);
  if (esbuild !== null) {
    const [, file, line, column, cause] = esbuild;
    const where = `${file}:${line}:${Number(column) + 1}`;
    error.stack = `${where}\n\nSyntaxError: ${cause}`;
    return { where, reason: `SyntaxError: ${cause}` };
  }
  if (error.name === 'SyntaxError') {
    // A CommonJS module's syntax error carries its frame; an ES module's does not.
    const own = CODE_FRAME.exec(stack);
    if (own !== null) return fromFrame(error, own, asPath(own[1]!));
    const found = url.startsWith('file:') ? findSyntaxError(fileURLToPath(url)) : undefined;
    if (found !== undefined) return fromFrame(error, found.frame, found.path);
    return { where: undefined, reason };
  }
  const frame = userFrames(stack)[0];
  const place = frame === undefined ? null : FRAME_PLACE.exec(frame);
  if (place === null) return { where: undefined, reason };
  return { where: `${asPath(place[1]!)}:${place[2]}:${place[3]}`, reason };
}
