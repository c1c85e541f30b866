/** `fanout advise` with inputs that fail: said in the verdict, exit 1; a sample that mostly fails decides nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.js';

const FLAKY = fileURLToPath(new URL('../../../test/fixtures/measure/flaky.mjs', import.meta.url));

test('some sampled inputs failed: a warning in the verdict, and exit 1', async () => {
  // flaky.mjs fails on odd numbers: 1 of these 6.
  const { code, stdout, stderr } = await runCli(['advise', FLAKY, '-i', '-', '--budget', '1'], {
    stdin: '0\n2\n4\n1\n6\n8\n',
  });
  assert.equal(code, 1, stderr);
  assert.match(stdout, /^Verdict: .*\nRecommended: /);
  assert.match(stdout, /\nWarnings\n {2}! 1 of 6 sampled inputs failed and are left out of the figures/);
});

test('most sampled inputs failed: no recommendation, the verdict not settled; --quiet says so too', async () => {
  const stdin = '1\n3\n5\n0\n';
  const full = await runCli(['advise', FLAKY, '-i', '-', '--budget', '1'], { stdin });
  assert.equal(full.code, 1, full.stderr);
  assert.match(
    full.stdout,
    /^Verdict: not settled: the figures cannot decide \(see the warnings\)\nLeaning to: /,
  );
  assert.doesNotMatch(full.stdout, /Recommended:/);
  assert.match(full.stdout, /! 3 of 4 sampled inputs failed .*no basis for advice/);

  const quiet = await runCli(['advise', FLAKY, '-i', '-', '--budget', '1', '-q'], { stdin });
  assert.equal(quiet.code, 1);
  assert.match(quiet.stdout, /^\S+: \S+.* \(not settled: the figures cannot decide; see the warnings\)\n$/);
  assert.match(quiet.stderr, /^fanout advise: warning: 3 of 4 sampled inputs failed/);
});
