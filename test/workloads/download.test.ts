import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createExecutor, LOCAL_STRATEGIES } from '../../src/index.js';
import { type FanoutServer, startServer, WORKLOADS } from '../../src/workloads/index.js';
import { requestsReceived } from './helpers.js';

let server: FanoutServer;

before(async () => {
  server = await startServer({ size: 100 });
});
after(async () => {
  await server.close();
});

/** Small sizes are enough here: these tests check results and connections, not speed. */
const CONCURRENCY: Record<(typeof LOCAL_STRATEGIES)[number], number> = {
  sequential: 1,
  async: 4,
  threads: 2,
  processes: 2,
};

/** The executor's time-out in the stall tests. */
const STALL_TIMEOUT_MS = 300;
/** undici's own headers time-out in the map() stall test: it ends the stall if the executor's does not. */
const BACKSTOP_TIMEOUT_MS = 3000;

const idsOf = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

for (const strategy of LOCAL_STRATEGIES) {
  const concurrency = CONCURRENCY[strategy];

  test(`${strategy}: each result is the body size, each URL is requested once`, async () => {
    const sizes = [0, 1, 100, 2443, 70_000, 5];
    const ids = idsOf(`sizes-${strategy}`, sizes.length);
    const urls = sizes.map((size, i) => `${server.url}?size=${size}&id=${ids[i]}`);
    const executor = createExecutor<string, number>({ task: WORKLOADS.download, strategy, concurrency });
    try {
      assert.deepEqual(await executor.map(urls), sizes);
    } finally {
      await executor.close();
    }
    const byId = server.stats().byId;
    for (const id of ids) assert.equal(byId.get(id), 1, id);
  });

  test(`${strategy}: one keep-alive pool per worker, reused: 40 requests, at most ${concurrency} connection(s)`, async () => {
    const own = await startServer({ size: 50 });
    const ids = idsOf('reuse', 40);
    const executor = createExecutor<string, number>({ task: WORKLOADS.download, strategy, concurrency });
    try {
      const results = await executor.map(ids.map((id) => `${own.url}?id=${id}`));
      assert.deepEqual(
        results,
        ids.map(() => 50),
      );
      const stats = own.stats();
      assert.equal(stats.requests, 40);
      assert.ok(stats.connections >= 1);
      assert.ok(
        stats.connections <= concurrency,
        `${stats.connections} connections for 40 requests with ${concurrency} worker(s)`,
      );
      for (const id of ids) assert.equal(stats.byId.get(id), 1, id);
    } finally {
      await executor.close();
      await own.close();
    }
  });

  test(`${strategy}: a bad status, a reset and a bad input are errors that name the URL and the cause`, async () => {
    const urls = [
      `${server.url}?id=ok-${strategy}`,
      `${server.url}?status=500`,
      `${server.url}?fault=reset`,
      `${server.url}?status=404&size=7`,
      `${server.url}?delay=soon`,
      'not a url',
      `${server.url}?id=ok2-${strategy}`,
    ];
    const executor = createExecutor<string, number>({ task: WORKLOADS.download, strategy, concurrency });
    try {
      const outcomes = await executor.map(urls, { settle: true });
      assert.equal(outcomes.length, urls.length);
      const message = (i: number): string => {
        const outcome = outcomes[i]!;
        assert.equal(outcome.status, 'rejected', `input ${i}`);
        return (outcome as { reason: Error }).reason.message;
      };
      assert.deepEqual(outcomes[0], { index: 0, status: 'fulfilled', value: 100 });
      assert.match(
        message(1),
        new RegExp(`GET ${escapeRegExp(urls[1]!)} answered 500 Internal Server Error`),
      );
      assert.match(
        message(2),
        new RegExp(
          `GET ${escapeRegExp(urls[2]!)} failed: (the connection was reset \\(ECONNRESET\\)|the server closed)`,
        ),
      );
      assert.match(message(3), new RegExp(`GET ${escapeRegExp(urls[3]!)} answered 404 Not Found`));
      // The server's own explanation of a 400 is quoted.
      assert.match(message(4), /answered 400 Bad Request: Expected `delay` to be .*got "soon"/);
      assert.match(message(5), /download expects an http\(s\) URL string, got `"not a url" \(string\)`/);
      assert.deepEqual(outcomes[6], { index: 6, status: 'fulfilled', value: 100 });
      // The workers survived: the executor still works.
      assert.deepEqual(await executor.map([`${server.url}?size=3`]), [3]);
    } finally {
      await executor.close();
    }
  });

  test(`${strategy}: a stalled server times out through the executor's timeout, and the worker is freed`, async () => {
    const own = await startServer();
    const executor = createExecutor<string, number>({
      task: WORKLOADS.download,
      strategy,
      concurrency,
      timeout: STALL_TIMEOUT_MS,
    });
    try {
      await assert.rejects(executor.run(`${own.url}?fault=stall`), (error: Error) => {
        assert.equal(error.name, 'TimeoutError');
        assert.match(error.message, new RegExp(`timed out after ${STALL_TIMEOUT_MS} ms`));
        return true;
      });
      assert.equal(await executor.run(`${own.url}?size=9`), 9);
    } finally {
      await executor.close();
      await own.close();
    }
  });

  test(`${strategy}: map() applies the executor's timeout too`, async () => {
    const own = await startServer();
    // A headers time-out far beyond the executor's, so only the executor's can end the stall in time.
    const executor = createExecutor<string, number>({
      task: WORKLOADS.download,
      strategy,
      concurrency,
      timeout: STALL_TIMEOUT_MS,
      taskOptions: { headersTimeout: BACKSTOP_TIMEOUT_MS },
    });
    try {
      const outcomes = await executor.map([`${own.url}?fault=stall`, `${own.url}?size=9`], { settle: true });
      assert.equal(outcomes[0]!.status, 'rejected');
      assert.match((outcomes[0] as { reason: Error }).reason.message, /timed out after/);
      assert.deepEqual(outcomes[1], { index: 1, status: 'fulfilled', value: 9 });
    } finally {
      await executor.close();
      await own.close();
    }
  });
}

test('the headers time-out (a task option) names the URL and the wait', async () => {
  const own = await startServer();
  const executor = createExecutor<string, number>({
    task: WORKLOADS.download,
    strategy: 'async',
    taskOptions: { headersTimeout: 200 },
  });
  try {
    const url = `${own.url}?fault=stall`;
    await assert.rejects(executor.run(url), (error: Error) => {
      assert.match(
        error.message,
        new RegExp(`GET ${escapeRegExp(url)} failed: timed out: no response within 200 ms`),
      );
      return true;
    });
  } finally {
    await executor.close();
    await own.close();
  }
});

test('a bad task option fails setup with a message naming it', async () => {
  const executor = createExecutor({
    task: WORKLOADS.download,
    strategy: 'sequential',
    taskOptions: { bodyTimeout: -1 },
  });
  try {
    await assert.rejects(
      executor.run(server.url),
      /`bodyTimeout` to be a positive number of ms, got `-1 \(number\)`/,
    );
  } finally {
    await executor.close();
  }
});

test('the caller can abort a download: the request is dropped', async () => {
  const own = await startServer();
  const executor = createExecutor<string, number>({
    task: WORKLOADS.download,
    strategy: 'threads',
    concurrency: 1,
  });
  try {
    const controller = new AbortController();
    const pending = executor.run(`${own.url}?fault=stall`, { signal: controller.signal });
    await requestsReceived(own, 1);
    controller.abort();
    await assert.rejects(pending, /aborted/);
    // The worker is free again: its stalled request was abandoned, not left blocking it.
    assert.equal(await executor.run(`${own.url}?size=4`), 4);
  } finally {
    await executor.close();
    await own.close();
  }
});

test('a refused connection is an error naming the URL, not a crash', async () => {
  const own = await startServer();
  const url = own.url;
  await own.close();
  const executor = createExecutor<string, number>({
    task: WORKLOADS.download,
    strategy: 'processes',
    concurrency: 1,
  });
  try {
    await assert.rejects(
      executor.run(url),
      new RegExp(`GET ${escapeRegExp(url)} failed: the connection was refused`),
    );
  } finally {
    await executor.close();
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
