// The contract suite's results tests again, with 4 tasks in flight per worker under threads and processes.
process.env.FANOUT_CONTRACT_IN_FLIGHT = '4';
await import('../results.test.js');
