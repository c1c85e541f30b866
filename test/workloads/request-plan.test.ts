import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../../src/core/errors.js';
import {
  DEFAULT_BODY_BYTES,
  MAX_BODY_BYTES,
  planRequest,
  validateAddress,
  validateDefaults,
} from '../../src/workloads/request-plan.js';

const defaults = { delay: 10, jitter: 0, size: DEFAULT_BODY_BYTES };
const plan = (query: string, random?: () => number) =>
  planRequest(new URLSearchParams(query), defaults, random);

test('no query parameters: the server-wide defaults, status 200, no fault', () => {
  assert.deepEqual(plan(''), {
    ok: true,
    plan: { delay: 10, size: DEFAULT_BODY_BYTES, status: 200, fault: undefined, id: undefined },
  });
});

test('each parameter overrides its default', () => {
  assert.deepEqual(plan('delay=0&size=7&status=503&fault=trickle&id=a1'), {
    ok: true,
    plan: { delay: 0, size: 7, status: 503, fault: 'trickle', id: 'a1' },
  });
});

test('jitter moves the delay uniformly within ±jitter and never below 0', () => {
  const low = plan('delay=100&jitter=30', () => 0);
  const high = plan('delay=100&jitter=30', () => 0.99);
  const middle = plan('delay=100&jitter=30', () => 0.5);
  assert.ok(low.ok && high.ok && middle.ok);
  assert.equal(low.plan.delay, 70);
  assert.ok(Math.abs(high.plan.delay - 129.4) < 1e-9);
  assert.equal(middle.plan.delay, 100);
  const clamped = plan('delay=5&jitter=50', () => 0);
  assert.ok(clamped.ok);
  assert.equal(clamped.plan.delay, 0);
});

test('a bad value is refused with a message naming the parameter and the value', () => {
  const cases: [string, RegExp][] = [
    ['delay=abc', /`delay`.*got "abc"/],
    ['delay=-1', /`delay`.*got "-1"/],
    ['delay=', /`delay`.*got ""/],
    ['jitter=1e9', /`jitter`.*got "1e9"/],
    ['size=1.5', /`size`.*integer.*got "1.5"/],
    [`size=${MAX_BODY_BYTES + 1}`, /`size`/],
    ['status=99', /`status`.*200 to 599.*got "99"/],
    ['status=abc', /`status`/],
    ['fault=explode', /`fault`.*reset, stall, trickle.*got "explode"/],
    ['dealy=5', /Unknown query parameter `dealy`/],
    [`id=${'x'.repeat(201)}`, /`id`.*200 characters/],
  ];
  for (const [query, message] of cases) {
    const result = plan(query);
    assert.equal(result.ok, false, query);
    assert.match((result as { message: string }).message, message, query);
  }
});

test('server-wide options are validated at the door', () => {
  assert.deepEqual(validateDefaults({}), { delay: 0, jitter: 0, size: DEFAULT_BODY_BYTES });
  assert.throws(() => validateDefaults({ delay: -1 }), /`delay`.*got `-1 \(number\)`/);
  assert.throws(() => validateDefaults({ jitter: '5' }), /`jitter`.*got `"5" \(string\)`/);
  assert.throws(() => validateDefaults({ size: 1.5 }), OptionError);
  assert.deepEqual(validateAddress({}), { host: '127.0.0.1', port: 0 });
  assert.throws(() => validateAddress({ port: 70000 }), /`port`.*0 \(a free port\) to 65535.*70000/);
  assert.throws(() => validateAddress({ port: 1.5 }), /`port`/);
  assert.throws(() => validateAddress({ host: '' }), /`host`/);
});
