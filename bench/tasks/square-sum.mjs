// sum(i*i for i in range(n)), exactly, with no BigInt in the loop. Each i*i is exact in a double
// (i*i < 2^53 for n <= MAX_N). The running sum outgrows 2^53 and rounds, but each rounding error is
// itself a small integer, caught exactly by Fast2Sum (valid here: from i = 5 on, sum >= i*i) and added
// up in `error`, which stays below 2^53. The true total is sum + error, joined once as BigInt.
export const MAX_N = 94_906_266; // the largest n with (n-1)^2 < 2^53

export default function squareSum(n) {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_N) {
    throw new RangeError(`Expected n to be an integer from 0 to ${MAX_N}, got ${n}`);
  }
  let sum = 0;
  let error = 0;
  for (let i = 0; i < n; i++) {
    const square = i * i;
    const next = sum + square;
    error += square - (next - sum);
    sum = next;
  }
  return BigInt(sum) + BigInt(error);
}
