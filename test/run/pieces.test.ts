/** The pure pieces of the runner, against known values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateMeter } from '../../src/cli/progress/index.js';
import { AbortError, TaskError, TimeoutError } from '../../src/core/errors.js';
import { formatLongDuration } from '../../src/core/units.js';
import { formatProgress } from '../../src/report/run-lines.js';
import { RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS, retryDelay } from '../../src/run/backoff.js';
import { createLineCounter } from '../../src/run/count.js';
import { DoneSet } from '../../src/run/done-set.js';
import { encodeValue, errorLine, okLine } from '../../src/run/encode.js';
import { describeFailure } from '../../src/run/failure.js';
import { ReorderWindow, SKIP } from '../../src/run/reorder.js';
import { RetryQueue } from '../../src/run/retry-queue.js';

test('encodeValue: JSON where JSON can, documented markers where it cannot', () => {
  assert.equal(encodeValue(42), '42');
  assert.equal(encodeValue('a"b'), '"a\\"b"');
  assert.equal(encodeValue(null), 'null');
  assert.equal(encodeValue(undefined), undefined);
  assert.equal(encodeValue(12345678901234567890n), '{"$bigint":"12345678901234567890"}');
  assert.equal(encodeValue(Number.NaN), '{"$number":"NaN"}');
  assert.equal(encodeValue([Infinity, -Infinity]), '[{"$number":"Infinity"},{"$number":"-Infinity"}]');
  assert.equal(encodeValue(new Map([[1n, 'x']])), '{"$map":[[{"$bigint":"1"},"x"]]}');
  assert.equal(encodeValue(new Set(['a'])), '{"$set":["a"]}');
  assert.equal(encodeValue(new RangeError('no')), '{"$error":{"name":"RangeError","message":"no"}}');
  assert.equal(encodeValue(new Uint8Array([1, 2])), '{"$typedarray":"Uint8Array","values":[1,2]}');
  assert.equal(encodeValue({ a: undefined, d: new Date(0) }), '{"d":"1970-01-01T00:00:00.000Z"}');
});

test('okLine and errorLine: the documented line shapes', () => {
  assert.deepEqual(okLine(3, 7n, 1), { line: '{"index":3,"ok":true,"value":{"$bigint":"7"}}', ok: true });
  assert.deepEqual(okLine(4, undefined, 1), { line: '{"index":4,"ok":true}', ok: true });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const { line, ok } = okLine(5, cyclic, 2);
  assert.equal(ok, false);
  const parsed = JSON.parse(line);
  assert.equal(parsed.error.name, 'OutputEncodingError');
  assert.equal(parsed.error.attempts, 2);
  assert.equal(parsed.error.code, 'ERR_FANOUT_OUTPUT_JSON');
  assert.equal(
    errorLine(1, { name: 'E', message: 'm "q"', code: 'C' }, 3),
    '{"index":1,"ok":false,"error":{"name":"E","message":"m \\"q\\"","attempts":3,"code":"C"}}',
  );
});

test('describeFailure: the task’s own error as thrown; fanout’s errors with the run’s index', () => {
  const thrown = Object.assign(new TypeError('boom'), { code: 'E_X' });
  assert.deepEqual(
    describeFailure(new TaskError('task t failed on input 9: TypeError: boom', 9, thrown), 9, 2),
    {
      name: 'TypeError',
      message: 'boom',
      code: 'E_X',
    },
  );
  assert.deepEqual(describeFailure(new TaskError('x', 0, 'a string'), 0, 0).name, 'NonError');
  assert.deepEqual(
    describeFailure(new TimeoutError('input 19 of t.mjs timed out after 5 ms', 19), 19, 1234),
    {
      name: 'TimeoutError',
      message: 'input 1234 of t.mjs timed out after 5 ms',
      code: 'ERR_FANOUT_TIMEOUT',
    },
  );
  assert.equal(
    describeFailure(new AbortError('input 1 of input 10.mjs', 1), 1, 7).message,
    'input 7 of input 10.mjs',
  );
});

test('DoneSet: one bit per index, growing as needed', () => {
  const done = new DoneSet();
  assert.equal(done.has(0), false);
  assert.equal(done.add(0), true);
  assert.equal(done.add(0), false);
  assert.equal(done.add(1_000_003), true);
  assert.equal(done.has(1_000_003), true);
  assert.equal(done.has(1_000_002), false);
  assert.equal(done.has(5_000_000_000), false);
  assert.equal(done.size, 2);
  assert.throws(() => done.add(-1), RangeError);
});

test('ReorderWindow: writes in index order, skips SKIP, refuses what is past the window', () => {
  const out: string[] = [];
  const window = new ReorderWindow(4, (line) => out.push(line));
  window.put(2, 'c');
  window.put(1, SKIP);
  assert.deepEqual(out, []);
  assert.equal(window.held, 1);
  assert.equal(window.accepts(3), true);
  assert.equal(window.accepts(4), false);
  window.put(0, 'a');
  assert.deepEqual(out, ['a', 'c']);
  assert.equal(window.head, 3);
  assert.equal(window.accepts(6), true);
  window.put(5, 'f');
  window.flushAll();
  assert.deepEqual(out, ['a', 'c', 'f'], 'an interrupted run writes around the gap at 3 and 4');
});

test('retryDelay: exponential, capped, jittered within [half, full]', () => {
  assert.equal(
    retryDelay(1, () => 0),
    RETRY_BASE_DELAY_MS / 2,
  );
  assert.equal(
    retryDelay(1, () => 1),
    RETRY_BASE_DELAY_MS,
  );
  assert.equal(
    retryDelay(3, () => 1),
    RETRY_BASE_DELAY_MS * 4,
  );
  assert.equal(
    retryDelay(50, () => 1),
    RETRY_MAX_DELAY_MS,
  );
  assert.equal(
    retryDelay(50, () => 0),
    RETRY_MAX_DELAY_MS / 2,
  );
});

test('RetryQueue: hands out the earliest due first, and nothing early', () => {
  const queue = new RetryQueue();
  for (const due of [50, 10, 30, 20, 40]) queue.push({ index: due, value: null, attempts: 1, due });
  assert.equal(queue.nextDue(), 10);
  assert.equal(queue.popDue(5), undefined);
  const order: number[] = [];
  for (let item = queue.popDue(100); item; item = queue.popDue(100)) order.push(item.index);
  assert.deepEqual(order, [10, 20, 30, 40, 50]);
  queue.push({ index: 1, value: null, attempts: 1, due: 1 });
  assert.equal(queue.clear(), 1);
  assert.equal(queue.size, 0);
});

test('the line counter counts non-blank lines across chunk boundaries', () => {
  const counter = createLineCounter();
  for (const chunk of ['1\n', '  \n2', '2\n\t\r\n', '3']) counter.feed(Buffer.from(chunk));
  assert.equal(counter.total(), 3);
});

test('the rate follows a sliding window', () => {
  const rate = createRateMeter(1000);
  assert.equal(rate(0, 0), undefined);
  assert.equal(rate(500, 50), 100);
  assert.equal(rate(1000, 100), 100);
  assert.equal(rate(2000, 1100), 1000);
});

test('progress and durations read as documented', () => {
  assert.equal(
    formatProgress({ done: 250, total: 1000, rate: 50, failed: 2, inFlight: 4, waitingRetry: 1 }),
    '250/1,000 (25 %) · 50.0 /s · ETA 15.0 s · 2 failed · 4 in flight · 1 waiting to retry',
  );
  assert.equal(
    formatProgress({ done: 7, total: undefined, rate: undefined, failed: 0, inFlight: 0, waitingRetry: 0 }),
    '7 done · … /s · 0 failed · 0 in flight',
  );
  assert.equal(
    formatProgress({ done: 7, total: 10, rate: 1, failed: 0, inFlight: 3, waitingRetry: 0, limit: 12 }),
    '7/10 (70 %) · 1.00 /s · ETA 3.00 s · 0 failed · 3 in flight (limit 12)',
  );
  assert.equal(formatLongDuration(950), '950 ms');
  assert.equal(formatLongDuration(61_000), '1 min 01 s');
  assert.equal(formatLongDuration(3_720_000), '1 h 02 min');
});
