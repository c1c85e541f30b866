/**
 * The build's joiner (scripts/join-worker-entries.mjs) on small trees of its own: the joined entry runs
 * its modules once each, in Node's order, with their own import.meta.url and relative dynamic imports;
 * what it cannot join fails the build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../scripts/join-worker-entries.mjs', import.meta.url));
const WORKER = 'strategies/pool/worker';

function tree(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fanout-join-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const all = { 'package.json': '{ "type": "module" }', [`${WORKER}/thread-entry.js`]: '', ...files };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const join = (root: string) => spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });

test('the joined entry runs every module once, in order, each with its own URL', (t) => {
  const root = tree(t, {
    [`${WORKER}/process-entry.js`]: [
      "import { log } from '../../../core/log.js';",
      "import { b, named as renamed } from './b.js';",
      "import * as c from '../../../task/c.js';",
      "import { basename } from 'node:path';",
      "log('entry', basename(import.meta.url), b(), renamed, c.value);",
      'const later = await c.sibling();',
      'log(later.value);',
      'console.log(JSON.stringify(globalThis.seen));',
    ].join('\n'),
    'core/log.js':
      'globalThis.seen = [];\nexport function log(...args) { globalThis.seen.push(args.join(" ")); }',
    [`${WORKER}/b.js`]: [
      "import { log } from '../../../core/log.js';",
      "import { value } from '../../../task/c.js';",
      "log('b', value);",
      'export const b = () => "b()";',
      'const named = "named";',
      'export { named };',
    ].join('\n'),
    'task/c.js': [
      "import { log } from '../core/log.js';",
      "import { basename } from 'node:path';",
      "log('c', basename(new URL(import.meta.url).pathname));",
      'export const value = "c";',
      "export async function sibling() { return import('./later.js'); }",
    ].join('\n'),
    'task/later.js': "export const value = 'later';",
  });
  const joined = join(root);
  assert.equal(joined.status, 0, joined.stderr);
  const out = path.join(root, WORKER, 'process-entry.joined.js');
  const run = spawnSync(process.execPath, [out], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), ['c c.js', 'b c', 'entry process-entry.js b() named c', 'later']);
  // The same unjoined: Node's own order and values (the entry's import.meta.url is its own there too).
  const plain = spawnSync(process.execPath, [path.join(root, WORKER, 'process-entry.js')], {
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(plain.stdout), [
    'c c.js',
    'b c',
    'entry process-entry.js b() named c',
    'later',
  ]);
  // Beside it, the modules it joined, for entry-file.ts to compare dates with.
  const listed = JSON.parse(readFileSync(path.join(root, WORKER, 'process-entry.joined.json'), 'utf8'));
  assert.deepEqual(listed.modules.toSorted(), [
    '../../../core/log.js',
    '../../../task/c.js',
    './b.js',
    './process-entry.js',
  ]);
});

test('an exported const of several declarators exports each of them', (t) => {
  const root = tree(t, {
    [`${WORKER}/process-entry.js`]: [
      "import { a, b, c, d } from '../../../core/many.js';",
      'console.log(JSON.stringify([a, b, c, d]));',
    ].join('\n'),
    'core/many.js': [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the module's source holds a template literal
      'export const a = f(1, 2), b = `x${[3, 4].join(",")}`, c = { e: 5, g: "6,7" }, // one, two',
      '  /* three, */ d = /[,;]/.test(";") ? [8, 9] : 0;',
      'function f(x, y) { return x + y; }',
    ].join('\n'),
  });
  const joined = join(root);
  assert.equal(joined.status, 0, joined.stderr);
  const run = spawnSync(process.execPath, [path.join(root, WORKER, 'process-entry.joined.js')], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [3, 'x3,4', { e: 5, g: '6,7' }, [8, 9]]);
});

for (const [what, source] of [
  ['a default export', 'export default 1;'],
  ['a star export', "export * from './other.js';"],
  ['an exported let', 'export let count = 0;'],
  ['an exported var', 'export var count = 0;'],
  ['a let exported by a list', 'let count = 0;\nexport { count };\nexport function up() { count++; }'],
  ['a var exported by a list, renamed, before it', 'export { a as b };\nvar c = 1, a = 2;'],
  ['a destructuring export', 'export const { y } = { y: 1 };'],
  ['an import of a name its module does not export', "import { y, z } from './other.js';"],
  ['a package import', "import { x } from 'some-package';"],
]) {
  test(`${what} fails the build, naming the module in one line`, (t) => {
    const root = tree(t, {
      [`${WORKER}/process-entry.js`]: "import '../../../core/odd.js';",
      'core/odd.js': source!,
      'core/other.js': 'export const y = 1;',
    });
    const result = join(root);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /^join-worker-entries: core\/odd\.js: .+\n$/);
  });
}

test('an import cycle fails the build', (t) => {
  const root = tree(t, {
    [`${WORKER}/process-entry.js`]: "import '../../../core/a.js';",
    'core/a.js': "import { b } from './b.js';\nexport const a = 1;",
    'core/b.js': "import { a } from './a.js';\nexport const b = 2;",
  });
  const result = join(root);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /an import cycle/);
});
