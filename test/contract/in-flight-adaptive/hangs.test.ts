// The contract suite's hangs tests again, with the tasks in flight per worker adaptive (1 to 4) under threads and processes.
process.env.FANOUT_CONTRACT_IN_FLIGHT = 'adaptive:1-4';
await import('../hangs.test.js');
