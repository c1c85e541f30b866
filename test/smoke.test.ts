import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExecutor, LOCAL_STRATEGIES } from '../src/index.js';

const double = new URL('../../test/fixtures/double.mjs', import.meta.url);

for (const strategy of LOCAL_STRATEGIES) {
  test(`${strategy}: map doubles every input, in order`, async () => {
    const executor = createExecutor<number, number>({ task: double, strategy });
    try {
      assert.deepEqual(await executor.map([1, 2, 3, 4, 5]), [2, 4, 6, 8, 10]);
    } finally {
      await executor.close();
    }
  });
}
