// sum(i*i for i in range(n)), exactly, without BigInt in the loop: each i*i < 2^52 and the running sum
// `low` stays below 2^53, so every step is exact in a double; whenever `low` reaches 2^52 its upper bits
// are carried into `high` (in units of 2^32). BigInt is used once, for the result.
const MAX_N = 2 ** 26;
const LOW_LIMIT = 2 ** 52;
const UNIT = 2 ** 32;

export default function squareSum(n) {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_N) {
    throw new RangeError(`Expected n to be an integer from 0 to ${MAX_N}, got ${n}`);
  }
  let high = 0;
  let low = 0;
  for (let i = 0; i < n; i++) {
    low += i * i;
    if (low >= LOW_LIMIT) {
      const carry = Math.floor(low / UNIT);
      high += carry;
      low -= carry * UNIT;
    }
  }
  return BigInt(high) * BigInt(UNIT) + BigInt(low);
}
