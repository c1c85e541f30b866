import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createExecutor, STRATEGIES, type StrategyName } from '../../src/index.js';
import { hashRounds } from '../../src/workloads/fetch-and-hash.js';
import { DEFAULT_BODY_BYTES, type FanoutServer, startServer, WORKLOADS } from '../../src/workloads/index.js';

let server: FanoutServer;

before(async () => {
  server = await startServer({ size: 300 });
});
after(async () => {
  await server.close();
});

/** Few rounds: these tests check results, requests and errors, not speed. */
const ROUNDS = 20;
const CONCURRENCY: Record<StrategyName, number> = { sequential: 1, async: 4, threads: 2, processes: 2 };

/** The body the loopback server sends for `size` bytes, fetched once through the download workload. */
async function bodyOf(size: number): Promise<Buffer> {
  const response = await fetch(`${server.url}?size=${size}`);
  return Buffer.from(await response.arrayBuffer());
}

const ids = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

test('hashRounds: deterministic, and each round changes the digest', () => {
  const body = Buffer.from('fanout');
  assert.equal(hashRounds(body, 3), hashRounds(body, 3));
  assert.notEqual(hashRounds(body, 3), hashRounds(body, 4));
  assert.match(hashRounds(body, 1), /^[0-9a-f]{64}$/);
  assert.equal(hashRounds(body, 0), '');
});

for (const strategy of STRATEGIES) {
  const concurrency = CONCURRENCY[strategy];
  test(`${strategy}: each result is the body's digest after the rounds asked for, each URL requested once`, async () => {
    const sizes = [0, 1, 300, DEFAULT_BODY_BYTES, 70_000];
    const names = ids(`hash-${strategy}`, sizes.length);
    const urls = sizes.map((size, i) => `${server.url}?size=${size}&id=${names[i]}`);
    const expected = await Promise.all(sizes.map(async (size) => hashRounds(await bodyOf(size), ROUNDS)));
    const executor = createExecutor<string, string>({
      task: WORKLOADS['fetch-and-hash'],
      strategy,
      concurrency,
      taskOptions: { rounds: ROUNDS },
    });
    try {
      assert.deepEqual(await executor.map(urls), expected);
    } finally {
      await executor.close();
    }
    const byId = server.stats().byId;
    for (const id of names) assert.equal(byId.get(id), 1, id);
  });
}

for (const strategy of ['threads', 'processes'] as const) {
  test(`${strategy} 1×4 (the hybrid): one worker keeps several fetches in flight, every input ends once`, async () => {
    const own = await startServer({ delay: 100, size: 100 });
    const names = ids(`hybrid-${strategy}`, 12);
    const executor = createExecutor<string, string>({
      task: WORKLOADS['fetch-and-hash'],
      strategy,
      concurrency: 1,
      inFlight: 4,
      timeline: true,
      taskOptions: { rounds: ROUNDS },
    });
    try {
      const outcomes = await executor.map(
        names.map((id) => `${own.url}?id=${id}`),
        { settle: true },
      );
      assert.equal(outcomes.length, names.length);
      assert.ok(outcomes.every((o) => o.status === 'fulfilled'));
      assert.equal(new Set(outcomes.map((o) => (o as { value: string }).value)).size, 1);
      // Tasks overlapped on the one worker (they wait 100 ms each), never more than 4 at once.
      const timeline = executor.timeline();
      assert.equal(timeline.length, names.length);
      const events = timeline.flatMap((e) => [
        [e.start, 1],
        [e.end, -1],
      ]);
      events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
      let running = 0;
      let peak = 0;
      for (const [, step] of events) {
        running += step!;
        peak = Math.max(peak, running);
      }
      assert.ok(peak >= 2 && peak <= 4, `peak ${peak} tasks at once on one worker`);
    } finally {
      await executor.close();
      await own.close();
    }
    for (const id of names) assert.equal(own.stats().byId.get(id), 1, id);
  });
}

test('errors name the URL and the cause; the other inputs still end with their digest', async () => {
  const urls = [
    `${server.url}?status=503`,
    'not a url',
    `${server.url}?fault=reset`,
    `${server.url}?size=300`,
  ];
  const executor = createExecutor<string, string>({
    task: WORKLOADS['fetch-and-hash'],
    strategy: 'threads',
    concurrency: 1,
    inFlight: 2,
    taskOptions: { rounds: ROUNDS },
  });
  try {
    const outcomes = await executor.map(urls, { settle: true });
    const reason = (i: number): string => (outcomes[i] as { reason: Error }).reason.message;
    assert.match(reason(0), /: GET .*status=503 answered 503 Service Unavailable$/);
    assert.match(reason(1), /fetch-and-hash expects an http\(s\) URL string, got `"not a url" \(string\)`$/);
    assert.match(reason(2), /: GET .*fault=reset failed: (the connection was reset|the server closed)/);
    assert.deepEqual(outcomes[3], {
      index: 3,
      status: 'fulfilled',
      value: hashRounds(await bodyOf(300), ROUNDS),
    });
  } finally {
    await executor.close();
  }
});

test('a bad `rounds` fails setup with one line naming it', async () => {
  for (const rounds of [0, 1.5, '10']) {
    const executor = createExecutor({
      task: WORKLOADS['fetch-and-hash'],
      strategy: 'sequential',
      taskOptions: { rounds },
    });
    try {
      await assert.rejects(
        executor.run(server.url),
        /fetch-and-hash expects `rounds` to be a positive whole number of rounds, got `/,
      );
    } finally {
      await executor.close();
    }
  }
});
