/**
 * The build's joiner (scripts/join-worker-entries.mjs) on small trees of its own: the joined entry runs
 * its modules once each, in Node's order, with their own import.meta.url and relative dynamic imports;
 * what it cannot join fails the build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});

for (const [what, source] of [
  ['a default export', 'export default 1;'],
  ['a star export', "export * from './other.js';"],
  ['an exported let', 'export let count = 0;'],
  ['a package import', "import { x } from 'some-package';"],
]) {
  test(`${what} fails the build, naming the module`, (t) => {
    const root = tree(t, {
      [`${WORKER}/process-entry.js`]: "import '../../../core/odd.js';",
      'core/odd.js': source!,
      'core/other.js': 'export const y = 1;',
    });
    const result = join(root);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /core\/odd\.js: /);
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
