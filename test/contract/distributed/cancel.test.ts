// The contract suite's cancel tests again, against distributed: a loopback redis-server and two `fanout worker` processes per task module.
process.env.FANOUT_CONTRACT_DISTRIBUTED = '1';
await import('../cancel.test.js');
