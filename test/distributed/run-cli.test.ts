// `fanout run --strategy distributed --redis URL`: one line per input, through two real `fanout worker`
// processes; and a run SIGKILLed half-way, then resumed, still ends with each input exactly once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../cli/run-cli.js';
import {
  assertOneLinePerInput,
  lineCount,
  readLines,
  runFanout,
  startFanout,
  tempDir,
  waitFor,
  writeInputs,
} from '../run/helpers.js';
import {
  FAST_CLOCKS,
  type RunningWorker,
  redisMissing,
  startWorker,
  stopWorker,
} from '../support/distributed.js';
import { type RedisServer, startRedis } from '../support/redis-server.js';

const SLOW = new URL('../../../test/fixtures/distributed/slow.mjs', import.meta.url);
const missing = redisMissing();

describe('fanout run --strategy distributed', { skip: missing && `distributed not run: ${missing}` }, () => {
  let redis: RedisServer;
  const workers: RunningWorker[] = [];
  before(async () => {
    redis = await startRedis();
    // The run names the queue by default ("fanout"): the workers listen there.
    for (let i = 0; i < 2; i++)
      workers.push(await startWorker(redis, SLOW, 'fanout', { flags: FAST_CLOCKS }));
  });
  after(async () => {
    await Promise.all(workers.map((worker) => stopWorker(worker)));
    await redis?.stop();
  });

  test('one ok line per input, with the right values; the password-free URL only', async (t) => {
    const dir = tempDir(t);
    const inputs = Array.from({ length: 120 }, (_, i) => i);
    writeInputs(join(dir, 'in.ndjson'), inputs);
    const out = join(dir, 'out.ndjson');
    const { code, stderr } = await runFanout(t, [
      SLOW.pathname,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      out,
      '--strategy',
      'distributed',
      '--redis',
      redis.url,
    ]);
    assert.equal(code, 0, stderr);
    const byIndex = assertOneLinePerInput(readLines(out), inputs.length);
    for (const [index, line] of byIndex) assert.deepEqual(line, { index, ok: true, value: index * 2 });
    assert.match(stderr, /120 inputs recorded .*120 ok, 0 failed · distributed/);
  });

  test('SIGKILLed half-way, then --resume: every input exactly once', async (t) => {
    const dir = tempDir(t);
    const inputs = Array.from({ length: 400 }, (_, i) => i);
    writeInputs(join(dir, 'in.ndjson'), inputs);
    const out = join(dir, 'out.ndjson');
    const args = [
      SLOW.pathname,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      out,
      '--strategy',
      'distributed',
      '--redis',
      redis.url,
    ];
    const first = startFanout(t, args);
    await waitFor('40 result lines', () => lineCount(out) >= 40, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    assert.ok(lineCount(out) < inputs.length, 'killed before the end');
    const { code, stderr } = await runFanout(t, [...args, '--resume']);
    assert.equal(code, 0, stderr);
    const byIndex = assertOneLinePerInput(readLines(out), inputs.length);
    for (const [index, line] of byIndex) assert.deepEqual(line, { index, ok: true, value: index * 2 });
  });

  test('--strategy distributed without --redis: one line naming what is missing', async (t) => {
    const dir = tempDir(t);
    writeInputs(join(dir, 'in.ndjson'), [1]);
    const { code, stderr } = await runFanout(t, [
      SLOW.pathname,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      join(dir, 'out.ndjson'),
      '--strategy',
      'distributed',
    ]);
    assert.equal(code, 2);
    assert.match(stderr, /`strategy: 'distributed'` needs `connection`/);
  });

  test('compare --redis adds a distributed row, measured on the workers; the password never printed', async (t) => {
    const dir = tempDir(t);
    writeInputs(
      join(dir, 'in.ndjson'),
      Array.from({ length: 40 }, (_, i) => i),
    );
    const url = redis.url.replace('redis://', 'redis://:hunter2@');
    const { code, stdout, stderr } = await runCli([
      'compare',
      SLOW.pathname,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--strategies',
      'sequential,async',
      '--runs',
      '1',
      '--warmup',
      '0',
      '--redis',
      url,
      '--json',
      '-q',
    ]);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stdout + stderr, /hunter2/);
    const comparison = JSON.parse(stdout) as { strategies: { strategy: string; failed?: number }[] };
    assert.deepEqual(
      comparison.strategies.map((row) => row.strategy),
      ['sequential', 'async', 'distributed'],
    );
  });

  test('compare --strategies distributed without --redis: one line, exit 2', async (t) => {
    const dir = tempDir(t);
    writeInputs(join(dir, 'in.ndjson'), [1]);
    const { code, stderr } = await runCli([
      'compare',
      SLOW.pathname,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--strategies',
      'sequential,distributed',
    ]);
    assert.equal(code, 2);
    assert.match(stderr, /^fanout: --strategies: distributed needs --redis <url>/m);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
  });

  test('advise --redis: a verdict line on distributed, from what it measured', async (t) => {
    const dir = tempDir(t);
    writeInputs(
      join(dir, 'in.ndjson'),
      Array.from({ length: 40 }, (_, i) => i),
    );
    const { code, stdout, stderr } = await runCli([
      'advise',
      SLOW.pathname,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--budget',
      '2',
      '--redis',
      redis.url,
      '--json',
    ]);
    assert.equal(code, 0, stderr);
    const advice = JSON.parse(stdout) as {
      distributed: { tasks: number; wallMs: number; localWallMs: number; pays: boolean; line: string };
    };
    const { distributed } = advice;
    assert.equal(distributed.tasks, 40);
    assert.ok(distributed.wallMs > 0 && distributed.localWallMs > 0);
    // The verdict follows from the two figures beside it.
    assert.equal(distributed.pays, distributed.wallMs < distributed.localWallMs);
    assert.match(
      distributed.line,
      /^distributed (pays|does not pay) here: 40 inputs took .* on the fanout workers listening, against .* under .* \(its measured rate\)/,
    );
  });
});
