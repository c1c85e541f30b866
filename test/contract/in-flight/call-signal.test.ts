// The contract suite's call-signal tests again, with 4 tasks in flight per worker under threads and processes.
process.env.FANOUT_CONTRACT_IN_FLIGHT = '4';
await import('../call-signal.test.js');
