/**
 * tsx is an optional dependency: a `.ts` task on a Node that cannot strip types needs it. These tests
 * build a real install without it (fanout's compiled package copied into a fresh node_modules beside
 * its other dependencies, tsx left out), so Node's own resolver cannot find tsx, and run the real CLI
 * there: the task fails to load with one line saying to install tsx, under each model.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodeStripsTypes } from '../../src/task/ts-loader.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** What a run that fails to load its task may take (a hang, not a slow machine). */
const RUN_DEADLINE_MS = 60_000;
const TASK = `interface Box { n: number }
export default function twice(box: Box): number {
  return box.n * 2;
}
`;

/** A directory holding node_modules/fanout (the compiled package) and every dependency but tsx. */
function installWithoutTsx(t: { after(fn: () => void): void }): { dir: string; cli: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-no-tsx-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const modules = join(dir, 'node_modules');
  const own = join(modules, 'fanout');
  mkdirSync(own, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(own, 'package.json'));
  cpSync(join(ROOT, 'dist', 'src'), join(own, 'dist', 'src'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'tsx' || name === 'esbuild' || name === '@esbuild' || name.startsWith('.')) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  writeFileSync(join(dir, 'task.ts'), TASK);
  writeFileSync(join(dir, 'in.ndjson'), '{"n":1}\n{"n":2}\n');
  return { dir, cli: join(own, 'dist', 'src', 'cli', 'main.js') };
}

function run(dir: string, cli: string, strategy: string) {
  return spawnSync(
    process.execPath,
    [cli, 'run', './task.ts', '-i', 'in.ndjson', '-o', `out-${strategy}.ndjson`, '--strategy', strategy],
    { cwd: dir, encoding: 'utf8', timeout: RUN_DEADLINE_MS, env: { ...process.env, NO_COLOR: '1' } },
  );
}

test('the install without tsx really has none: Node cannot resolve it from fanout there', (t) => {
  const { cli } = installWithoutTsx(t);
  assert.throws(() => createRequire(cli).resolve('tsx'), { code: 'MODULE_NOT_FOUND' });
  // …while the package itself still loads (its other dependencies are there).
  assert.doesNotThrow(() => createRequire(cli).resolve('commander'));
});

test('a .ts task where Node cannot strip types and tsx is missing: exit 2, one line saying to install tsx', {
  skip: nodeStripsTypes() ? 'this Node strips types itself: tsx is not needed' : false,
}, (t) => {
  const { dir, cli } = installWithoutTsx(t);
  for (const strategy of ['sequential', 'threads', 'processes']) {
    const result = run(dir, cli, strategy);
    assert.equal(result.status, 2, `${strategy}: ${result.stderr}`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${strategy}: one line, got ${result.stderr}`);
    assert.match(
      lines[0]!,
      /^fanout: task module \S*\/task\.ts is TypeScript and Node v[\d.]+ cannot strip types itself \(22\.18\+ and 23\.6\+ can\): fanout loads it with tsx, which is not installed; run `npm install tsx`$/,
    );
  }
});

test('a .ts task where Node strips types runs without tsx, in workers and child processes too', {
  skip: nodeStripsTypes() ? false : `Node ${process.version} does not strip types: tsx is the only way`,
}, (t) => {
  const { dir, cli } = installWithoutTsx(t);
  for (const strategy of ['sequential', 'threads', 'processes']) {
    const result = run(dir, cli, strategy);
    assert.equal(result.status, 0, `${strategy}: ${result.stderr}`);
  }
});

test('a .ts task in a "type": "commonjs" package where Node strips types and tsx is missing: one line naming the package.json', {
  skip: nodeStripsTypes() ? false : `Node ${process.version} does not strip types: tsx is the only way`,
}, (t) => {
  const { dir, cli } = installWithoutTsx(t);
  // What `npm init -y` writes on npm 11: Node would load task.ts as CommonJS.
  writeFileSync(join(dir, 'package.json'), '{ "name": "mine", "type": "commonjs" }\n');
  const result = run(dir, cli, 'threads');
  assert.equal(result.status, 2, result.stderr);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(
    result.stderr,
    /package\.json says "type": "commonjs", so Node would load it as CommonJS, not as an ES module \(rename it \.mts, or set "type": "module"\): fanout loads it with tsx, which is not installed; run `npm install tsx`/,
  );
});
