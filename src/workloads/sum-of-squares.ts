/**
 * The seed's CPU-bound job as a task module: `sum(i*i for i in range(n))`, exactly.
 *
 * The true values pass 2^53 quickly (n = 5,000,000 gives about 4·10^19), where a plain number loop
 * starts rounding; a BigInt at every step is exact but some 80 times slower. So the loop runs in
 * float64 over blocks of 2^16 consecutive i, writing i = hi·2^16 + lo:
 *
 *   i² = hi²·2^32 + 2·hi·lo·2^16 + lo²
 *
 * Inside a block hi is fixed and the loop sums lo² and lo in float64; both stay below 2^53 (a block's
 * Σlo² < 2^48), so every step is exact. Once per block the partial sums are folded into a BigInt total.
 * Every i is still visited: this is the CPU-bound workload, not the closed form.
 */
import { describe } from '../core/errors.js';

/** log2 of the block size: 2^16 values of lo keep Σlo² below 2^48, far under 2^53. */
const BLOCK_BITS = 16;
const BLOCK = 2 ** BLOCK_BITS;
const HI_SHIFT = BigInt(BLOCK_BITS);

function expectCount(n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new Error(`sum-of-squares expects \`n\` to be a non-negative safe integer, got \`${describe(n)}\``);
  }
  return n;
}

/** sum(i*i for i in range(n)), exactly, by visiting every i. */
export default function sumOfSquares(n: number): bigint {
  const count = expectCount(n);
  let total = 0n;
  for (let base = 0; base < count; base += BLOCK) {
    const size = Math.min(BLOCK, count - base);
    let squares = 0;
    let sum = 0;
    for (let lo = 0; lo < size; lo++) {
      squares += lo * lo;
      sum += lo;
    }
    const hi = BigInt(base) >> HI_SHIFT;
    // Σ(hi·2^16 + lo)² = size·hi²·2^32 + hi·Σlo·2^17 + Σlo²
    total +=
      ((BigInt(size) * hi * hi) << (2n * HI_SHIFT)) +
      ((hi * BigInt(sum)) << (HI_SHIFT + 1n)) +
      BigInt(squares);
  }
  return total;
}

/** (n-1)·n·(2n-1)/6: the exact answer without the loop, for tests and checks. */
export function closedForm(n: number): bigint {
  const big = BigInt(expectCount(n));
  if (big === 0n) return 0n;
  return ((big - 1n) * big * (2n * big - 1n)) / 6n;
}
