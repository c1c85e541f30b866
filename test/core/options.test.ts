import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { closest, editDistance } from '../../src/core/closest.js';
import { OptionError } from '../../src/core/errors.js';
import {
  DEFAULT_ADAPTIVE_MAX,
  DEFAULT_ADAPTIVE_MIN,
  DEFAULT_ASYNC_CONCURRENCY,
  redactUrl,
  resolveOptions,
  toTaskUrl,
} from '../../src/core/options.js';

test('defaults: threads, cores for pools, a finite bound for async, 1 for sequential', () => {
  assert.equal(resolveOptions({ task: '/x.js' }).strategy, 'threads');
  assert.equal(resolveOptions({ task: '/x.js', strategy: 'threads' }).concurrency, availableParallelism());
  assert.equal(resolveOptions({ task: '/x.js', strategy: 'processes' }).concurrency, availableParallelism());
  assert.equal(resolveOptions({ task: '/x.js', strategy: 'async' }).concurrency, DEFAULT_ASYNC_CONCURRENCY);
  assert.equal(resolveOptions({ task: '/x.js', strategy: 'sequential' }).concurrency, 1);
});

test('a bad option names the option, what was expected and what arrived', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ concurrency: 0 }, /Expected `concurrency` to be a positive integer, got `0 \(number\)`/],
    [{ concurrency: 1.5 }, /`concurrency`.*`1\.5 \(number\)`/],
    [{ concurrency: '2' }, /`concurrency`.*`"2" \(string\)`/],
    [
      { strategy: 'fibers' },
      /Expected `strategy` to be one of sequential, async, threads, processes, distributed or auto, got `"fibers" \(string\)`/,
    ],
    [{ strategy: 'sequential', concurrency: 2 }, /`concurrency` to be 1 under sequential/],
    [{ timeout: -5 }, /`timeout` to be a positive number of ms/],
    [{ chunkSize: 0 }, /`chunkSize` to be a positive integer/],
    [{ maxMemoryMb: 'lots' }, /`maxMemoryMb` to be a positive integer/],
    [{ export: '' }, /`export` to be an export name/],
  ];
  for (const [extra, message] of cases) {
    assert.throws(
      () => resolveOptions({ task: '/x.js', ...extra }),
      (error: unknown) => {
        assert.ok(error instanceof OptionError);
        assert.equal((error as OptionError).code, 'ERR_FANOUT_OPTION');
        assert.match((error as Error).message, message);
        return true;
      },
    );
  }
  assert.throws(() => resolveOptions({ task: '' }), /Expected `task` to be a module path or URL/);
});

test('task paths become file URLs; URLs pass through', () => {
  assert.equal(toTaskUrl('/srv/task.js'), 'file:///srv/task.js');
  assert.equal(toTaskUrl('task.js'), new URL('task.js', `file://${process.cwd()}/`).href);
  assert.equal(toTaskUrl(new URL('file:///a/b.mjs')), 'file:///a/b.mjs');
  assert.equal(toTaskUrl('file:///a/b.ts'), 'file:///a/b.ts');
});

test('an unknown option is refused, with the closest valid name', () => {
  assert.throws(
    () => resolveOptions({ task: 'x.mjs', concurency: 8 } as never),
    /Unknown option `concurency`: did you mean `concurrency`\? \(expected one of task, strategy, concurrency,/,
  );
  assert.throws(() => resolveOptions({ task: 'x.mjs', timeOut: 5 } as never), /did you mean `timeout`\?/);
  assert.throws(
    () => resolveOptions({ task: 'x.mjs', fruit: 1 } as never),
    (error: unknown) =>
      error instanceof OptionError && /^Unknown option `fruit` \(expected one of/.test(error.message),
  );
});

test('closest: near names only, case aside', () => {
  assert.equal(closest('concurency', ['task', 'concurrency']), 'concurrency');
  assert.equal(closest('CHUNKSIZE', ['chunkSize']), 'chunkSize');
  assert.equal(closest('banana', ['task', 'timeout']), undefined);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('distributed needs a Redis URL, prints it without its password, and keeps its options to itself', () => {
  assert.throws(
    () => resolveOptions({ task: '/x.js', strategy: 'distributed' }),
    /`strategy: 'distributed'` needs `connection`: the Redis URL its workers listen on/,
  );
  assert.throws(
    () => resolveOptions({ task: '/x.js', strategy: 'distributed', connection: 'http://u:secret@host:1' }),
    (error: unknown) => {
      assert.match((error as Error).message, /Expected `connection` to be a redis:\/\/ or rediss:\/\/ URL/);
      assert.doesNotMatch((error as Error).message, /secret/);
      return true;
    },
  );
  assert.throws(
    () => resolveOptions({ task: '/x.js', strategy: 'threads', connection: 'redis://h:1' }),
    /`connection` is for `strategy: 'distributed'` only, got strategy `threads`/,
  );
  assert.throws(
    () => resolveOptions({ task: '/x.js', strategy: 'distributed', connection: 'redis://h:1', queue: 'a:b' }),
    /Expected `queue` to be 1 to 100 letters, digits, dots, dashes or underscores/,
  );
  assert.throws(
    () =>
      resolveOptions({
        task: '/x.js',
        strategy: 'distributed',
        connection: 'redis://h:1',
        noWorkerTimeout: 0,
      }),
    /`noWorkerTimeout` to be a positive number of ms/,
  );
  const resolved = resolveOptions({
    task: '/x.js',
    strategy: 'distributed',
    connection: 'rediss://:pw@h:6380/2',
  });
  assert.equal(resolved.queue, 'fanout');
  assert.equal(resolved.concurrency, 16);
  assert.equal(resolved.noWorkerTimeout, 30_000);
  assert.equal(resolved.redisDownTimeout, 30_000);
  assert.equal(redactUrl('rediss://:pw@h:6380/2'), 'rediss://***@h:6380/2');
  assert.equal(redactUrl('redis://h:6379'), 'redis://h:6379');
});

test("concurrency: 'adaptive' under async: the default bounds, or its own, starting from async's default", () => {
  const plain = resolveOptions({ task: '/x.js', strategy: 'async', concurrency: 'adaptive' });
  assert.deepEqual(plain.adaptive, { min: DEFAULT_ADAPTIVE_MIN, max: DEFAULT_ADAPTIVE_MAX });
  assert.equal(plain.concurrency, DEFAULT_ASYNC_CONCURRENCY);
  const bounded = resolveOptions({ task: '/x.js', strategy: 'async', concurrency: 'adaptive:4-16' });
  assert.deepEqual(bounded.adaptive, { min: 4, max: 16 });
  assert.equal(bounded.concurrency, 16, 'the start is within the bounds');
  assert.equal(resolveOptions({ task: '/x.js', strategy: 'async', concurrency: 8 }).adaptive, undefined);
});

test("inFlight: 'adaptive' under threads and processes: bounds of its own, starting from async's default", () => {
  const plain = resolveOptions({ task: '/x.js', strategy: 'threads', inFlight: 'adaptive' });
  assert.deepEqual(plain.inFlightAdaptive, { min: DEFAULT_ADAPTIVE_MIN, max: DEFAULT_ADAPTIVE_MAX });
  assert.equal(plain.inFlight, DEFAULT_ASYNC_CONCURRENCY);
  assert.equal(plain.adaptive, undefined);
  const bounded = resolveOptions({ task: '/x.js', strategy: 'processes', inFlight: 'adaptive:2-8' });
  assert.deepEqual(bounded.inFlightAdaptive, { min: 2, max: 8 });
  assert.equal(bounded.inFlight, 8, 'the start is within the bounds');
  for (const strategy of ['sequential', 'async', 'distributed', 'auto'] as const) {
    assert.throws(
      () =>
        resolveOptions({
          task: '/x.js',
          strategy,
          inFlight: 'adaptive',
          ...(strategy === 'distributed' ? { connection: 'redis://h:1' } : {}),
        }),
      (error: Error) =>
        error instanceof OptionError &&
        /^`inFlight: 'adaptive'` moves the tasks in flight per worker of threads and processes, not /.test(
          error.message,
        ),
      strategy,
    );
  }
  assert.throws(
    () => resolveOptions({ task: '/x.js', strategy: 'threads', inFlight: 'adaptive:5-2' }),
    /^OptionError: Expected the bounds of `inFlight: 'adaptive:5-2'` to be whole numbers with 1 ≤ MIN ≤ MAX$/,
  );
  assert.throws(
    () => resolveOptions({ task: '/x.js', strategy: 'threads', inFlight: 'lots' as never }),
    /Expected `inFlight` to be a positive integer, 'adaptive' or 'adaptive:MIN-MAX', got `"lots" \(string\)`/,
  );
});

test("concurrency: 'adaptive' is refused, in one line, where it cannot work (yet)", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { strategy: 'sequential' },
      /^`concurrency: 'adaptive'` needs tasks in flight to adapt, and sequential runs one at a time: use async$/,
    ],
    [
      { strategy: 'threads' },
      /^`concurrency: 'adaptive'` is not available for threads, whose workers are fixed: use `inFlight: 'adaptive'` to move the tasks in flight per worker, or async$/,
    ],
    [{ strategy: 'processes' }, /is not available for processes, whose workers are fixed/],
    [{ strategy: 'auto' }, /is not yet available with strategy auto/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => resolveOptions({ task: '/x.js', concurrency: 'adaptive', ...options }),
      (error: Error) => error instanceof OptionError && message.test(error.message),
      JSON.stringify(options),
    );
  }
  for (const bad of ['adaptive:0-4', 'adaptive:9-4', 'adaptive:4']) {
    assert.throws(
      () => resolveOptions({ task: '/x.js', strategy: 'async', concurrency: bad as 'adaptive' }),
      /^OptionError: Expected (the bounds of `concurrency: 'adaptive:\d+-\d+'` to be whole numbers with 1 ≤ MIN ≤ MAX|`concurrency` to be a positive integer, 'adaptive' or 'adaptive:MIN-MAX', got `"adaptive:4" \(string\)`)$/,
    );
  }
});
