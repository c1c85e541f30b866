// sum(i*i for i in range(n)) in plain number arithmetic: fast, and wrong once the sum passes 2^53.
// Only here to show what exactness costs (bench/cpu.ts).
export default function squareSumPlain(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += i * i;
  return sum;
}
