/** The layer check itself: it passes on the project, and fails on an upward import and on a circle. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../scripts/check-layers.mjs', import.meta.url));

function check(root?: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, root ? [SCRIPT, root] : [SCRIPT], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fanout-layers-'));
  writeFileSync(path.join(root, 'LAYERS.md'), '```layers\nsrc/low/  the bottom\nsrc/high/  the top\n```\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

test('the project passes its own layer check', () => {
  const { status, output } = check();
  assert.equal(status, 0, output);
  assert.match(output, /imports run downward, no circles/);
});

test('an import from a higher layer fails, naming both files and layers', (t) => {
  const root = tree({
    'src/low/a.ts': "import { b } from '../high/b.js';\nexport const a = b;\n",
    'src/high/b.ts': 'export const b = 1;\n',
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { status, output } = check(root);
  assert.equal(status, 1);
  assert.match(
    output,
    /src\/low\/a\.ts \(src\/low\/\) imports src\/high\/b\.ts, from the layer above it: src\/high\//,
  );
});

test('a circle fails even when one side is a type import or a dynamic import()', (t) => {
  const root = tree({
    'src/high/a.ts': "import type { B } from './b.js';\nexport type A = B;\n",
    'src/high/b.ts': "export type B = number;\nexport const load = () => import('./a.js');\n",
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { status, output } = check(root);
  assert.equal(status, 1);
  assert.match(output, /import circle: src\/high\/a\.ts → src\/high\/b\.ts → src\/high\/a\.ts/);
});

test('a file in no layer fails', (t) => {
  const root = tree({ 'src/elsewhere/c.ts': 'export const c = 1;\n' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { status, output } = check(root);
  assert.equal(status, 1);
  assert.match(output, /src\/elsewhere\/c\.ts: in no layer of LAYERS\.md/);
});
