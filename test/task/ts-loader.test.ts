/** A long-lived program can create and close executors of a .ts task forever: no esbuild is left behind. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../test/fixtures/ts-cycles.mjs', import.meta.url));

for (const strategy of ['threads', 'processes']) {
  test(`${strategy}: three create/close cycles of a .ts task leave no esbuild process, not even a zombie`, () => {
    // No tsx cache: every worker compiles, so every worker starts esbuild's service.
    const output = execFileSync(process.execPath, [SCRIPT, strategy], {
      encoding: 'utf8',
      env: { ...process.env, TSX_DISABLE_CACHE: '1' },
    });
    assert.deepEqual(JSON.parse(output), []);
  });
}
