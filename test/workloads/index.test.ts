import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OptionError } from '../../src/core/errors.js';
import { WORKLOAD_NAMES, WORKLOADS, workloadUrl } from '../../src/workloads/index.js';

test('every built-in workload is a file URL of a compiled module that exists', () => {
  assert.deepEqual(WORKLOAD_NAMES, ['download', 'sum-of-squares', 'fetch-and-hash']);
  for (const name of WORKLOAD_NAMES) {
    const url = WORKLOADS[name];
    assert.equal(url.protocol, 'file:');
    assert.match(url.pathname, /\.js$/);
    assert.ok(existsSync(fileURLToPath(url)), url.href);
    assert.equal(workloadUrl(name).href, url.href);
  }
});

test('workloadUrl returns a copy: changing it does not change the registry', () => {
  const url = workloadUrl('download');
  url.pathname = '/elsewhere.js';
  assert.notEqual(WORKLOADS.download.pathname, '/elsewhere.js');
});

test('an unknown workload name is refused with the names that exist', () => {
  assert.throws(
    () => workloadUrl('sum_of_squares'),
    (error: Error) => {
      assert.ok(error instanceof OptionError);
      assert.equal(
        error.message,
        'Unknown workload "sum_of_squares" (built in: download, sum-of-squares, fetch-and-hash)',
      );
      return true;
    },
  );
  assert.throws(() => workloadUrl('toString'), /Unknown workload "toString"/);
});
