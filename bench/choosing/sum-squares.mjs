// The seed's CPU job, exact: sum of i*i for i < n (n below 94,906,265, where i*i stays exact).
// The running sum stays in a Number while it is exact and is flushed into a BigInt before it is not.
export default function sumOfSquares(n) {
  let total = 0n;
  let part = 0;
  for (let i = 0; i < n; i++) {
    const square = i * i;
    const next = part + square;
    if (next > Number.MAX_SAFE_INTEGER) {
      total += BigInt(part);
      part = square;
    } else {
      part = next;
    }
  }
  return total + BigInt(part);
}
