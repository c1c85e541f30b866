// distributed's protocol, pure parts: a run's entry in the runs hash, and the worker connection names
// a producer reads to tell that workers listen with another module.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeEntry,
  encodeEntry,
  limitsKey,
  listeningHashes,
  type RunEntry,
  workerConnectionName,
} from '../../src/strategies/distributed/protocol.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

test("a run's entry survives the runs hash, limits included; anything else is no entry", () => {
  const entry: RunEntry = {
    path: '/app/task.js',
    hash: HASH_A,
    export: 'default',
    limits: { setupTimeout: 300, teardownTimeout: 10_000, maxMemoryMb: 32 },
  };
  assert.deepEqual(decodeEntry(encodeEntry(entry)), entry);
  assert.equal(decodeEntry(undefined), undefined);
  assert.equal(decodeEntry('1'), undefined);
  assert.equal(decodeEntry('not json'), undefined);
  assert.equal(decodeEntry(JSON.stringify({ path: '/app/task.js', hash: HASH_A })), undefined);
});

test('limits tell local executors apart: each limit counts', () => {
  const base = { setupTimeout: 300, teardownTimeout: 10_000 };
  const keys = new Set([
    limitsKey(base),
    limitsKey({ ...base, maxMemoryMb: 32 }),
    limitsKey({ ...base, setupTimeout: 301 }),
    limitsKey({ ...base, teardownTimeout: 9_999 }),
  ]);
  assert.equal(keys.size, 4);
});

test("the workers' connection names give each one's module hash, for its own base queue only", () => {
  const list = [
    `id=3 addr=127.0.0.1:1 name=${workerConnectionName('jobs', HASH_A, 'host-a:12')} db=0`,
    `id=4 addr=127.0.0.1:2 name=${workerConnectionName('jobs', HASH_B, 'host-b:34')} db=0`,
    `id=5 addr=127.0.0.1:3 name=${workerConnectionName('jobs.x', HASH_B, 'host-b:35')} db=0`,
    `id=6 addr=127.0.0.1:4 name=${workerConnectionName('night jobs', HASH_B, 'host b:36')} db=0`,
    'id=7 addr=127.0.0.1:5 name= db=0',
    'id=8 addr=127.0.0.1:6 name=bull:am9icw==:w:host:1 db=0',
  ].join('\n');
  assert.deepEqual(listeningHashes(list, 'jobs'), [HASH_A.slice(0, 16), HASH_B.slice(0, 16)]);
  assert.deepEqual(listeningHashes(list, 'jobs.x'), [HASH_B.slice(0, 16)]);
  assert.deepEqual(listeningHashes(list, 'night jobs'), [HASH_B.slice(0, 16)]);
  assert.deepEqual(listeningHashes(list, 'other'), []);
});
