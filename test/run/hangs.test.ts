/** fanout run with a setup or a teardown that never finishes: a time limit, a clear word, an exit. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertOneLinePerInput, readLines, runFanout, tempDir, writeInputs } from './helpers.js';

const HANGS = fileURLToPath(new URL('../../../test/fixtures/run/hangs.mjs', import.meta.url));
const STRATEGIES = ['sequential', 'async', 'threads', 'processes'] as const;

for (const strategy of STRATEGIES) {
  test(`${strategy}: a setup that never finishes stops the run with exit 2 and one line naming setupTimeout`, async (t) => {
    const dir = tempDir(t);
    const inputs = join(dir, 'in.ndjson');
    const out = join(dir, 'out.ndjson');
    writeInputs(inputs, [1, 2, 3, 4, 5]);
    const { code, stderr } = await runFanout(
      t,
      [HANGS, '--inputs', inputs, '--out', out, '--strategy', strategy, '--setup-timeout', '300'],
      { env: { HANG: 'setup' } },
    );
    // As when setup throws (docs/run.md): the run stops at once with exit 2, one line naming the
    // cause, and records nothing, so that --resume runs every input once the module is fixed.
    assert.equal(code, 2, stderr);
    assert.match(stderr, /setup of .*hangs\.mjs did not finish within 300 ms \(the `setupTimeout` option\)/);
    assert.deepEqual(readLines(out), []);
  });

  test(`${strategy}: a teardown that never finishes is cut short with a warning; every result is written`, async (t) => {
    const dir = tempDir(t);
    const inputs = join(dir, 'in.ndjson');
    const out = join(dir, 'out.ndjson');
    writeInputs(inputs, [1, 2, 3]);
    const { code, stderr } = await runFanout(
      t,
      [HANGS, '--inputs', inputs, '--out', out, '--strategy', strategy, '--teardown-timeout', '300'],
      { env: { HANG: 'teardown' } },
    );
    assert.equal(code, 0, stderr);
    const lines = assertOneLinePerInput(readLines(out), 3);
    for (const [index, line] of lines) assert.deepEqual(line, { index, ok: true, value: index + 1 });
    assert.match(stderr, /teardown of .*hangs\.mjs.* did not finish within 300 ms/);
  });
}
