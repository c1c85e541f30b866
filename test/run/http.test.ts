/**
 * The download workload against the embedded loopback server, with its faults: 500s, connection
 * resets and stalls. One line per input, the right errors, and each request made exactly as often
 * as the attempts say (the server counts requests by id).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_BODY_BYTES, startServer } from '../../src/workloads/index.js';
import { assertOneLinePerInput, readLines, runFanout, tempDir, writeInputs } from './helpers.js';

/** The built-in workload, by name, as a user would give it. */
const DOWNLOAD = 'download';
const COUNT = 24;
const TIMEOUT_MS = 1000;

type Kind = 'ok' | '500' | 'reset' | 'stall';

function kindOf(n: number): Kind {
  if (n % 8 === 3) return '500';
  if (n % 8 === 5) return 'reset';
  if (n === 10) return 'stall';
  return 'ok';
}

const QUERY: Record<Kind, string> = {
  ok: '',
  '500': '&status=500',
  reset: '&fault=reset',
  stall: '&fault=stall',
};

for (const strategy of ['sequential', 'async', 'threads', 'processes']) {
  test(`${strategy}: HTTP 500s, resets and stalls fail their inputs only; retries ask again`, async (t) => {
    const server = await startServer({ delay: 5 });
    t.after(() => server.close());
    const dir = tempDir(t);
    const inputs = Array.from({ length: COUNT }, (_, n) => `${server.url}?id=u${n}${QUERY[kindOf(n)]}`);
    writeInputs(
      join(dir, 'in.ndjson'),
      inputs.map((url) => JSON.stringify(url)),
    );
    const out = join(dir, 'out.ndjson');
    const args = [DOWNLOAD, '--inputs', join(dir, 'in.ndjson'), '--out', out, '--strategy', strategy];
    if (strategy !== 'sequential') args.push('--concurrency', '4');
    const { code, stderr } = await runFanout(t, [...args, '--retries', '1', '--timeout', String(TIMEOUT_MS)]);
    assert.equal(code, 1, stderr);
    const lines = assertOneLinePerInput(readLines(out), COUNT);
    const { byId } = server.stats();
    for (const [n, line] of lines) {
      const kind = kindOf(n);
      const url = inputs[n]!;
      if (kind === 'ok') {
        assert.deepEqual(line, { index: n, ok: true, value: DEFAULT_BODY_BYTES });
        assert.equal(byId.get(`u${n}`), 1, `${url} was requested once`);
        continue;
      }
      assert.equal(line.ok, false);
      assert.equal(line.error!.attempts, 2, url);
      assert.equal(byId.get(`u${n}`), 2, `${url} was requested once per attempt`);
      if (kind === '500') assert.equal(line.error!.message, `GET ${url} answered 500 Internal Server Error`);
      if (kind === 'reset') {
        assert.equal(line.error!.message, `GET ${url} failed: the connection was reset (ECONNRESET)`);
      }
      if (kind === 'stall') {
        assert.equal(line.error!.name, 'TimeoutError');
        assert.match(
          line.error!.message,
          new RegExp(`input ${n} of .*download\\.js timed out after ${TIMEOUT_MS} ms`),
        );
      }
    }
  });
}
