/** The test tiers' own machinery: the file-times reporter, the slowest-files list, and the runner's retries. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collectFileTimes, type ReporterEvent } from './file-times.js';
import slowestFiles, { formatSlowest } from './slowest-files.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUNNER = fileURLToPath(new URL('./run-tiers.js', import.meta.url));
const FIXTURES = path.join(ROOT, 'test/fixtures/tiers');

async function* events(list: ReporterEvent[]): AsyncGenerator<ReporterEvent> {
  yield* list;
}

function result(type: string, file: string, name: string, nesting: number, ms: number, extra = {}) {
  return { type, data: { file, name, nesting, details: { duration_ms: ms }, ...extra } };
}

test('file times: the whole-file event where Node sends one (20: absolute name, 22+: relative)', async () => {
  const a = path.resolve('a.test.js');
  const b = path.resolve('b.test.js');
  const times = await collectFileTimes(
    events([
      result('test:pass', a, 'one', 0, 100),
      result('test:pass', a, 'inner', 1, 40),
      result('test:pass', a, 'suite', 0, 50, { details: { duration_ms: 50, type: 'suite' } }),
      result('test:pass', a, 'skipped', 0, 0, { skip: true }),
      result('test:complete', a, a, 0, 900),
      result('test:fail', b, 'two', 0, 30),
      result('test:complete', b, 'b.test.js', 0, 400),
      { type: 'test:plan', data: { nesting: 0 } },
    ]),
  );
  assert.deepEqual(times, [
    { file: a, ms: 900, passed: 2, failed: 0, skipped: 1 },
    { file: b, ms: 400, passed: 0, failed: 1, skipped: 0 },
  ]);
});

test('file times: without a whole-file event, the top-level tests added up; a file that failed to load counts', async () => {
  const a = path.resolve('a.test.js');
  const c = path.resolve('c.test.js');
  const times = await collectFileTimes(
    events([
      result('test:pass', a, 'one', 0, 100),
      result('test:fail', a, 'two', 0, 20),
      result('test:complete', c, c, 0, 80),
      result('test:fail', c, c, 0, 80),
    ]),
  );
  assert.deepEqual(times, [
    { file: a, ms: 120, passed: 1, failed: 1, skipped: 0 },
    { file: c, ms: 80, passed: 0, failed: 1, skipped: 0 },
  ]);
});

test('the slowest files: slowest first, at most ten, paths relative, retries said', async () => {
  const files = Array.from({ length: 12 }, (_, i) => ({ file: path.resolve(`t${i}.test.js`), ms: i * 1000 }));
  const text = formatSlowest([...files, { file: path.resolve('x.timing.test.js'), ms: 4321, attempts: 2 }]);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'Slowest test files (10 of 13, each its own wall time):');
  assert.equal(lines[1], '  11.0 s  t11.test.js');
  assert.equal(lines.length, 11);
  assert.ok(lines.includes('   4.3 s  x.timing.test.js  (2 attempts)'), text);
  assert.ok(!text.includes('t2.test.js'), text);
  const reported: string[] = [];
  for await (const chunk of slowestFiles(events([result('test:pass', files[3]!.file, 'one', 0, 1500)])))
    reported.push(chunk);
  assert.equal(
    reported.join(''),
    '\nSlowest test files (1 of 1, each its own wall time):\n  1.5 s  t3.test.js\n',
  );
});

test('the runner: a failed timing file runs again, up to three attempts, and says so', async (t) => {
  const state = mkdtempSync(path.join(tmpdir(), 'fanout-tiers-test-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  // Inside `node --test` this variable makes a nested `node --test` talk to a parent that is not there.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      [RUNNER, '--retry-pause-ms', '10', FIXTURES],
      { cwd: ROOT, env: { ...env, FANOUT_TIERS_FIXTURE_DIR: state } },
      (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
    );
  });
  assert.equal(code, 1, stdout);
  const broken = 'test/fixtures/tiers/broken.timing.test.js';
  const flaky = 'test/fixtures/tiers/nested/flaky.timing.test.js';
  assert.match(stdout, /== unit tier: 1 file, 2 at a time ==/);
  assert.match(
    stdout,
    /== timing tier: 2 files, one at a time; a failed file runs again, up to 3 attempts ==/,
  );
  for (const attempt of [1, 2])
    assert.ok(stdout.includes(`${broken} failed on attempt ${attempt} of 3`), stdout);
  assert.ok(!stdout.includes(`${broken} failed on attempt 3 of 3`), stdout);
  assert.ok(stdout.includes(`${flaky} failed on attempt 1 of 3`), stdout);
  assert.ok(stdout.includes(`timing tier: ${broken} failed all 3 attempts\n`), stdout);
  assert.ok(stdout.includes(`timing tier: ${flaky} passed on attempt 2 of 3\n`), stdout);
  assert.match(stdout, /^Slowest test files \(3 of 3, each its own wall time\):$/m);
  assert.match(stdout, new RegExp(`^ +[\\d.]+ s  ${broken}  \\(3 attempts\\)$`, 'm'));
  assert.match(stdout, /^ +[\d.]+ s {2}test\/fixtures\/tiers\/ok\.test\.js$/m);
  assert.ok(stdout.endsWith('tests: 3 passed, 1 failed, 1 skipped\n'), stdout);
});
