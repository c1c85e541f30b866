import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OptionError } from '../../src/core/errors.js';
import { DEFAULT_BODY_BYTES } from '../../src/workloads/request-plan.js';
import { type FanoutServer, startServer, TRICKLE_PIECES } from '../../src/workloads/server.js';
import { fetchAll, newAgent, requestsReceived, since, TIMER_SLACK_MS } from './helpers.js';

let server: FanoutServer;
const agent = newAgent();

before(async () => {
  server = await startServer();
});
after(async () => {
  await agent.destroy();
  await server.close();
});

test('the url names the loopback address and the port it listens on', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
  assert.ok(server.port > 0);
});

test('by default it answers 200 with the seed page size', async () => {
  const response = await fetchAll(server.url, agent);
  assert.equal(response.status, 200);
  assert.equal(response.bytes, DEFAULT_BODY_BYTES);
  assert.equal(response.headers['content-length'], String(DEFAULT_BODY_BYTES));
});

test('size sets the body size, 0 and large included', async () => {
  for (const size of [0, 1, 10_000, 1_000_000]) {
    const response = await fetchAll(`${server.url}?size=${size}`, agent);
    assert.equal(response.bytes, size);
  }
});

test('a delayed response is not answered before its delay', async () => {
  for (const delay of [50, 150]) {
    const start = performance.now();
    await fetchAll(`${server.url}?delay=${delay}`, agent);
    assert.ok(since(start) >= delay - TIMER_SLACK_MS, `answered after ${since(start)} ms, asked ${delay}`);
  }
});

test('jitter never answers before delay - jitter', async () => {
  const start = performance.now();
  await fetchAll(`${server.url}?delay=100&jitter=40`, agent);
  assert.ok(since(start) >= 60 - TIMER_SLACK_MS);
});

test('status answers with that HTTP status; 204 has no body', async () => {
  const failed = await fetchAll(`${server.url}?status=503&size=10`, agent);
  assert.equal(failed.status, 503);
  assert.equal(failed.bytes, 10);
  const empty = await fetchAll(`${server.url}?status=204`, agent);
  assert.equal(empty.status, 204);
  assert.equal(empty.bytes, 0);
});

test('a bad query parameter gets a 400 that names it', async () => {
  const response = await fetchAll(`${server.url}?delay=soon`, agent);
  assert.equal(response.status, 400);
  assert.match(response.text, /`delay`.*"soon"/);
  assert.match(response.headers['content-type'] as string, /^text\/plain/);
});

test('fault=reset resets the connection: the client sees ECONNRESET', async () => {
  const local = newAgent();
  try {
    await assert.rejects(fetchAll(`${server.url}?fault=reset`, local), (error: NodeJS.ErrnoException) => {
      assert.match(String(error.code), /ECONNRESET|UND_ERR_SOCKET/);
      return true;
    });
  } finally {
    await local.destroy();
  }
});

test('fault=stall never answers: the client gives up, the server answered nothing', async () => {
  const own = await startServer();
  const local = newAgent();
  try {
    const controller = new AbortController();
    const pending = fetchAll(`${own.url}?fault=stall`, local, controller.signal);
    await requestsReceived(own, 1);
    controller.abort(new Error('the client gave up'));
    await assert.rejects(pending, /the client gave up/);
    assert.equal(own.stats().requests, 1);
    assert.equal(own.stats().responses, 0);
  } finally {
    await local.destroy();
    await own.close();
  }
});

test('fault=trickle sends the whole body in pieces, finishing no earlier than the delay', async () => {
  // 16 pieces 50 ms apart: only a stall of the whole test process for 800 ms could merge them all into one read.
  const delay = 800;
  const size = 1600;
  const start = performance.now();
  const response = await fetchAll(`${server.url}?fault=trickle&delay=${delay}&size=${size}`, agent);
  assert.equal(response.status, 200);
  assert.equal(response.bytes, size);
  assert.ok(response.chunks >= 2, `arrived in ${response.chunks} piece(s) of at most ${TRICKLE_PIECES}`);
  assert.ok(response.chunks <= TRICKLE_PIECES);
  assert.ok(since(start) >= delay - TIMER_SLACK_MS);
});

test('counters: requests, responses, connections and ids; keep-alive shows as one connection', async () => {
  const own = await startServer({ size: 100 });
  const local = newAgent();
  try {
    for (let i = 0; i < 5; i++) {
      await fetchAll(`${own.url}?id=${i % 2 === 0 ? 'even' : 'odd'}`, local);
      // undici reuses a socket one event-loop turn after its response ended.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await fetchAll(`${own.url}?id=once&status=500`, local);
    const stats = own.stats();
    assert.equal(stats.requests, 6);
    assert.equal(stats.responses, 6);
    assert.equal(stats.connections, 1);
    assert.deepEqual([...stats.byId].sort(), [
      ['even', 3],
      ['odd', 2],
      ['once', 1],
    ]);
    // stats() is a snapshot: changing it changes nothing inside the server.
    stats.byId.clear();
    assert.equal(own.stats().byId.size, 3);
  } finally {
    await local.destroy();
    await own.close();
  }
});

test('connections are counted per TCP connection: a client without keep-alive shows one per request', async () => {
  const own = await startServer({ size: 10 });
  try {
    for (let i = 0; i < 3; i++) {
      const local = newAgent();
      await fetchAll(own.url, local);
      await local.destroy();
    }
    assert.equal(own.stats().connections, 3);
  } finally {
    await own.close();
  }
});

test('server-wide defaults apply to every request and can be overridden per request', async () => {
  const own = await startServer({ size: 321, delay: 60 });
  const local = newAgent();
  try {
    const start = performance.now();
    assert.equal((await fetchAll(own.url, local)).bytes, 321);
    assert.ok(since(start) >= 60 - TIMER_SLACK_MS);
    assert.equal((await fetchAll(`${own.url}?size=5&delay=0`, local)).bytes, 5);
  } finally {
    await local.destroy();
    await own.close();
  }
});

test('close() ends stalled requests and idle keep-alive connections, and does not hang', async () => {
  const own = await startServer();
  const local = newAgent();
  try {
    await fetchAll(own.url, local); // leaves an idle keep-alive connection
    // Settle handlers are attached at once: the rejections arrive while close() is awaited.
    const settled = (url: string) =>
      fetchAll(url, local).then(
        () => 'answered',
        (error: Error) => error,
      );
    const pending = [
      `${own.url}?fault=stall`,
      `${own.url}?fault=trickle&delay=600000`,
      `${own.url}?delay=600000`,
    ];
    const outcomes = pending.map(settled);
    await requestsReceived(own, 4);
    await own.close();
    for (const outcome of await Promise.all(outcomes)) assert.ok(outcome instanceof Error);
    await own.close(); // a second close is harmless
  } finally {
    await local.destroy();
  }
});

test('bad options are refused with one clear line', async () => {
  await assert.rejects(startServer({ port: -1 }), OptionError);
  await assert.rejects(startServer({ delay: Number.NaN }), /`delay`/);
  await assert.rejects(startServer({ size: -5 }), /`size`/);
});

test('a port in use is refused with "port N is already in use"', async () => {
  await assert.rejects(startServer({ port: server.port }), (error: Error) => {
    assert.ok(error instanceof OptionError);
    assert.match(error.message, new RegExp(`^port ${server.port} is already in use`));
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
});
