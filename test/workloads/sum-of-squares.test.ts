import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExecutor, LOCAL_STRATEGIES } from '../../src/index.js';
import { WORKLOADS } from '../../src/workloads/index.js';
import sumOfSquares, { closedForm } from '../../src/workloads/sum-of-squares.js';

const EXACT_LIMIT = 2n ** 53n;

/** The naive JavaScript translation of the seed's loop: exact only while the sum stays below 2^53. */
function plainNumberLoop(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * i;
  return total;
}

/** The same loop in BigInt at every step: exact, slow, and an independent check of closedForm. */
function bigIntLoop(n: number): bigint {
  let total = 0n;
  for (let i = 0n; i < BigInt(n); i++) total += i * i;
  return total;
}

test('closedForm agrees with a BigInt loop', () => {
  for (const n of [0, 1, 2, 3, 4, 10, 100, 1000, 65_537])
    assert.equal(closedForm(n), bigIntLoop(n), `n = ${n}`);
});

test('exact for small n and around the block edges (2^16)', () => {
  for (const n of [0, 1, 2, 3, 10, 65_535, 65_536, 65_537, 131_071, 131_072, 131_073, 200_001]) {
    assert.equal(sumOfSquares(n), closedForm(n), `n = ${n}`);
  }
});

test('exact where the result exceeds 2^53, and the plain number loop is wrong there', () => {
  for (const n of [5_000_000, 5_000_019, 100_000_000]) {
    const exact = closedForm(n);
    assert.ok(exact > EXACT_LIMIT, `n = ${n}: the sum passes 2^53`);
    assert.equal(sumOfSquares(n), exact, `n = ${n}`);
    assert.notEqual(BigInt(plainNumberLoop(n)), exact, `n = ${n}: the plain loop rounds`);
  }
});

test('the plain number loop is still right below 2^53: the difference is precision, not a bug in it', () => {
  const n = 300_000; // the sum is 8.99995·10^15, just under 2^53 ≈ 9.007·10^15
  assert.ok(closedForm(n) < EXACT_LIMIT);
  assert.equal(BigInt(plainNumberLoop(n)), closedForm(n));
});

test('exact for n = 1,000,000,007 (each i*i itself passes 2^53 there)', () => {
  const n = 1_000_000_007;
  assert.equal(sumOfSquares(n), closedForm(n));
});

test('a bad n is refused with a message naming the value', () => {
  const cases: [unknown, string][] = [
    [-1, '`-1 (number)`'],
    [1.5, '`1.5 (number)`'],
    [Number.NaN, '`NaN (number)`'],
    [2 ** 53, '`9007199254740992 (number)`'],
    ['5', '`"5" (string)`'],
    [5n, '`5 (bigint)`'],
    [null, '`null (object)`'],
  ];
  for (const [n, shown] of cases) {
    assert.throws(
      () => sumOfSquares(n as number),
      (error: Error) =>
        error.message === `sum-of-squares expects \`n\` to be a non-negative safe integer, got ${shown}`,
      String(n),
    );
    assert.throws(() => closedForm(n as number), /non-negative safe integer/);
  }
});

const SEED_INPUTS = Array.from({ length: 20 }, (_, i) => 5_000_000 + i);

for (const strategy of LOCAL_STRATEGIES) {
  test(`${strategy}: the seed's 20 numbers, exact BigInts across the ${strategy} boundary`, async () => {
    const executor = createExecutor<number, bigint>({
      task: WORKLOADS['sum-of-squares'],
      strategy,
      concurrency: strategy === 'sequential' ? 1 : 2,
    });
    try {
      const results = await executor.map(SEED_INPUTS);
      assert.deepEqual(results, SEED_INPUTS.map(closedForm));
      const outcome = await executor.map([-1], { settle: true });
      assert.equal(outcome[0]!.status, 'rejected');
      assert.match((outcome[0] as { reason: Error }).reason.message, /got `-1 \(number\)`/);
    } finally {
      await executor.close();
    }
  });
}
