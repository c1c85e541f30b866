// sum(i*i for i in range(n)), exactly: partial sums stay below 2^53 and are folded into a BigInt.
const FOLD = 2 ** 53;
export default function squareSum(n) {
  let total = 0n;
  let partial = 0;
  for (let i = 0; i < n; i++) {
    partial += i * i;
    if (partial >= FOLD / 2) {
      total += BigInt(partial);
      partial = 0;
    }
  }
  return total + BigInt(partial);
}
