// The seed's I/O job on loopback: GET a page from a server that answers after 50 ms and serves at
// most 16 requests at once (like a real site's connection limit), through `fanout advise`.
// Usage: npm run build && node bench/choosing/io.mjs [budget-seconds]
import { createServer } from 'node:http';
import { advise } from '../../dist/src/advise/advise.js';
import { renderAdvice } from '../../dist/src/advise/render.js';

const CAPACITY = 16;
const DELAY_MS = 50;
const PAGE = Buffer.alloc(2443, 'x'); // the seed's page size

let active = 0;
const waiting = [];
const serve = (response) => {
  active++;
  setTimeout(() => {
    active--;
    response.end(PAGE);
    const next = waiting.shift();
    if (next) serve(next);
  }, DELAY_MS);
};
const server = createServer((request, response) => {
  request.resume();
  if (active < CAPACITY) serve(response);
  else waiting.push(response);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

// The advisor's tests use the same task: one keep-alive pool per worker, a GET per input.
const task = new URL('../../test/fixtures/advise/download.mjs', import.meta.url);
const inputs = Array.from({ length: 1000 }, (_, i) => `${url}${i}`);
const budgetMs = Number(process.argv[2] ?? 10) * 1000;
process.stdout.write(renderAdvice(await advise({ task, inputs, budgetMs })));
server.closeAllConnections();
server.close();
