// The round trip of one task that returns its input, at concurrency 1, for small and large payloads:
// what passing a message costs each model (sequential and async clone too: fanout checks every
// input and output survives structured cloning, so that a task that runs in-process runs anywhere).
// Usage: npm run build && node bench/choosing/messages.mjs
import { performance } from 'node:perf_hooks';
import { serialize } from 'node:v8';
import { createExecutor, LOCAL_STRATEGIES } from '../../dist/src/index.js';
import { fixed, median } from './stats.mjs';

const record = (i) => ({ id: i, name: `item-${i}`, url: `https://example.com/items/${i}`, score: i / 7 });
const payloads = {
  'one record': record(1),
  '100 records': Array.from({ length: 100 }, (_, i) => record(i)),
  '10,000 records': Array.from({ length: 10_000 }, (_, i) => record(i)),
  '1 MB Uint8Array': new Uint8Array(1 << 20),
};
const task = new URL('./echo.mjs', import.meta.url);
/** Round trips per payload: enough for a median, fewer for the big ones. */
const ROUNDS = { 'one record': 2000, '100 records': 500, '10,000 records': 30, '1 MB Uint8Array': 60 };

/** Round trips of one payload under one strategy, after a warm-up: the median. */
async function roundTrip(strategy, payload, rounds) {
  const executor = createExecutor({ task, strategy, concurrency: 1 });
  await executor.run(payload); // start-up and warm-up
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await executor.run(payload);
    times.push(performance.now() - start);
  }
  await executor.close();
  return median(times);
}

// Each measured twice, in turn, keeping the lesser: the first model measured must not pay alone
// for the heap growing to hold the big payloads.
for (const [label, payload] of Object.entries(payloads)) {
  const size = serialize(payload).byteLength;
  const cells = [];
  for (const strategy of LOCAL_STRATEGIES) {
    const first = await roundTrip(strategy, payload, ROUNDS[label]);
    cells.push(first);
  }
  for (const [k, strategy] of LOCAL_STRATEGIES.entries()) {
    const second = await roundTrip(strategy, payload, ROUNDS[label]);
    cells[k] = `${strategy} ${fixed(Math.min(cells[k], second), 3)} ms`;
  }
  console.log(`${label} (${(size / 1024).toFixed(1)} kB serialized): ${cells.join(', ')}`);
}
