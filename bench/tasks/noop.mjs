// The no-op task every pool runs in the throughput bench: what is left is the pool's own cost per task.
export default (x) => x;
