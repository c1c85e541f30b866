/**
 * The loopback server bounds what it reads and keeps, checked against the real server over loopback
 * with raw sockets: a client says exactly what it sends, and sees exactly what comes back.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { OptionError } from '../../src/core/errors.js';
import { MAX_HEADER_BYTES, MAX_REQUEST_BODY_BYTES, MAX_URL_LENGTH } from '../../src/workloads/limits.js';
import { startServer } from '../../src/workloads/server.js';

/** How long a refused request may take to be answered and its connection closed (a hang, not a slow machine). */
const ANSWER_DEADLINE_MS = 10_000;

interface Exchange {
  /** Everything the server sent before it closed the connection. */
  text: string;
  status: number;
}

/**
 * Sends `head` (and `body`, if any) on a fresh connection and resolves with what comes back once the
 * server closes the connection. Fails if it does not within ANSWER_DEADLINE_MS.
 */
function exchange(port: number, head: string, body?: Buffer): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and close within ${ANSWER_DEADLINE_MS} ms; got ${JSON.stringify(text)}`));
    }, ANSWER_DEADLINE_MS);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    // The server may close while the client still writes: that is the point, not a failure.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0) });
    });
    socket.write(head);
    if (body) socket.write(body);
  });
}

test('a body over the limit is refused with 413 before it is read, and the connection closes', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  // 64 MiB announced, not one byte of it sent: the answer comes from the head alone.
  const announced = 64 * 1024 * 1024;
  const head = `POST /?id=big HTTP/1.1\r\nHost: x\r\nContent-Length: ${announced}\r\n\r\n`;
  const { status, text } = await exchange(server.port, head);
  assert.equal(status, 413, text);
  assert.match(
    text,
    new RegExp(`body of ${announced} bytes is over this server's limit of ${MAX_REQUEST_BODY_BYTES} bytes`),
  );
  assert.match(text, /connection: close/i);
  assert.equal(server.stats().byId.size, 0, 'a refused request counts no id');
});

test('a chunked body (no stated length) is refused with 411', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const head = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
  const { status, text } = await exchange(server.port, head, Buffer.from('4\r\nabcd\r\n'));
  assert.equal(status, 411, text);
  assert.match(text, /must state its length/);
});

test('a small body is read and discarded: the page is answered as usual', async (t) => {
  const server = await startServer({ size: 5 });
  t.after(() => server.close());
  const body = Buffer.alloc(1000, 'b');
  const head = `GET /?id=small HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`;
  const { status, text } = await exchange(server.port, head, body);
  assert.equal(status, 200, text);
  assert.equal(server.stats().byId.get('small'), 1);
});

test('a request target over the limit gets 414, and its id is not counted', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const id = 'x'.repeat(8 * 1024);
  const { status, text } = await exchange(server.port, `GET /?id=${id} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.equal(status, 414, text);
  assert.match(text, new RegExp(`at most ${MAX_URL_LENGTH}`));
  const stats = server.stats();
  assert.equal(stats.byId.size, 0);
  assert.equal(stats.requests, 1);
});

test('an id over 200 characters within the target limit gets 400 and is not counted', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const id = 'y'.repeat(1000);
  const head = `GET /?id=${id} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
  const { status, text } = await exchange(server.port, head);
  assert.equal(status, 400, text);
  assert.equal(server.stats().byId.size, 0);
});

test('headers over the limit get 431 from Node', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const big = 'z'.repeat(MAX_HEADER_BYTES + 1);
  const { status } = await exchange(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`);
  assert.equal(status, 431);
});

test('at most maxIds distinct ids are kept; requests with new ids past it are tallied, not dropped', async (t) => {
  const server = await startServer({ maxIds: 3, size: 1 });
  t.after(() => server.close());
  for (const id of ['a', 'b', 'c', 'd', 'a', 'e', 'd']) {
    const { status } = await exchange(
      server.port,
      `GET /?id=${id} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(status, 200);
  }
  const stats = server.stats();
  assert.deepEqual([...stats.byId].sort(), [
    ['a', 2],
    ['b', 1],
    ['c', 1],
  ]);
  assert.equal(stats.uncountedIds, 3, 'd, e and d again');
  assert.equal(stats.requests, 7);
});

test('a bad maxIds is refused with one clear line', async () => {
  await assert.rejects(startServer({ maxIds: 0 }), (error: unknown) => {
    assert.ok(error instanceof OptionError);
    assert.match(error.message, /^Expected `maxIds` to be an integer from 1 to/);
    return true;
  });
});

test('12 clients announcing 64 MiB bodies each are all refused without the server reading them', async (t) => {
  const server = await startServer({ delay: 50 });
  t.after(() => server.close());
  const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`;
  // Each sends a first MiB of its body; the server answers and closes without taking the rest.
  const firstMiB = Buffer.alloc(1024 * 1024, 'u');
  const answers = await Promise.all(Array.from({ length: 12 }, () => exchange(server.port, head, firstMiB)));
  assert.deepEqual(
    answers.map((a) => a.status),
    Array(12).fill(413),
  );
});
