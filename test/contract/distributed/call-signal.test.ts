// The contract suite's call-signal tests again, against distributed: a loopback redis-server and two `fanout worker` processes per task module.
process.env.FANOUT_CONTRACT_DISTRIBUTED = '1';
await import('../call-signal.test.js');
