/** `takeSample`, how `strategy: 'auto'` reads its sample (the picks are in auto.timing.test.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { takeSample } from '../../src/executor/sample.js';

test('takeSample reads the first inputs once, and all of them come back in order', async () => {
  let reads = 0;
  function* inputs(): Generator<number> {
    for (let i = 0; i < 10; i++) {
      reads++;
      yield i;
    }
  }
  const taken = await takeSample(inputs(), 4);
  assert.deepEqual(taken.sample, [0, 1, 2, 3]);
  assert.equal(taken.exhausted, false);
  assert.equal(reads, 4);
  const all: number[] = [];
  for await (const input of taken.all) all.push(input);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(reads, 10);
});

test('takeSample of a short async iterable: the sample is the whole job', async () => {
  async function* inputs(): AsyncGenerator<string> {
    yield 'a';
    yield 'b';
  }
  const taken = await takeSample(inputs(), 5);
  assert.deepEqual(taken.sample, ['a', 'b']);
  assert.equal(taken.exhausted, true);
  const all: string[] = [];
  for await (const input of taken.all) all.push(input);
  assert.deepEqual(all, ['a', 'b']);
});

test('takeSample of input that trickles in: it waits a bounded time after the first, and loses nothing', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* inputs(): AsyncGenerator<number> {
    yield 0;
    yield 1;
    await gate; // the producer is silent until the sample has been taken
    yield 2;
    yield 3;
  }
  const taken = await takeSample(inputs(), 500, 50);
  assert.deepEqual(taken.sample, [0, 1]);
  assert.equal(taken.exhausted, false);
  release();
  const all: number[] = [];
  for await (const input of taken.all) all.push(input);
  assert.deepEqual(all, [0, 1, 2, 3]);
});
