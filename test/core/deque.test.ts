import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deque } from '../../src/core/deque.js';

test('Deque keeps FIFO order across growth, unshift and pop', () => {
  const deque = new Deque<number>();
  const model: number[] = [];
  let next = 0;
  // A fixed pseudo-random sequence of operations, checked against a plain array.
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let step = 0; step < 20_000; step++) {
    const r = random();
    if (r < 0.45) {
      deque.push(next);
      model.push(next++);
    } else if (r < 0.55) {
      deque.unshift(next);
      model.unshift(next++);
    } else if (r < 0.9) {
      assert.equal(deque.shift(), model.shift());
    } else {
      assert.equal(deque.pop(), model.pop());
    }
    assert.equal(deque.length, model.length);
    assert.equal(deque.peek(), model[0]);
  }
  assert.deepEqual(deque.drain(), model);
  assert.equal(deque.length, 0);
  assert.equal(deque.shift(), undefined);
  assert.equal(deque.pop(), undefined);
});
