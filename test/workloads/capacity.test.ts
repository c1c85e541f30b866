import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import { OptionError } from '../../src/core/errors.js';
import {
  CapacityGate,
  contendedDelay,
  decimalOf,
  MAX_CAPACITY,
  overloadedMessage,
  parseModelQuery,
} from '../../src/workloads/capacity.js';
import { type FanoutServer, startServer } from '../../src/workloads/server.js';
import { fetchAll, newAgent, since, TIMER_SLACK_MS, waitFor } from './helpers.js';

/** A gate's request: started or not, and the leave it was given. */
function entrant(gate: CapacityGate) {
  const state = {
    started: false,
    leave: (() => {}) as () => void,
    drop: undefined as (() => void) | undefined,
  };
  state.drop = gate.enter((leave) => {
    state.started = true;
    state.leave = leave;
  });
  return state;
}

test('the gate serves at most its capacity at once and starts the waiting in arrival order', () => {
  const gate = new CapacityGate(2);
  const all = Array.from({ length: 5 }, () => entrant(gate));
  assert.deepEqual(
    all.map((e) => e.started),
    [true, true, false, false, false],
  );
  assert.deepEqual(gate.figures(), { capacity: 2, active: 2, queued: 3, maxActive: 2, shed: 0 });
  all[1]!.leave();
  all[1]!.leave(); // leaving twice frees one slot only
  assert.deepEqual(
    all.map((e) => e.started),
    [true, true, true, false, false],
  );
  assert.equal(gate.figures().active, 2);
});

test('raising the capacity starts the waiting at once; lowering it lets the served finish', () => {
  const gate = new CapacityGate(1);
  const all = Array.from({ length: 4 }, () => entrant(gate));
  gate.setCapacity(3);
  assert.deepEqual(
    all.map((e) => e.started),
    [true, true, true, false],
  );
  gate.setCapacity(1);
  all[0]!.leave();
  all[1]!.leave();
  assert.equal(all[3]!.started, false, 'still 1 served: no room under the new capacity');
  all[2]!.leave();
  assert.equal(all[3]!.started, true);
  gate.setCapacity(undefined);
  assert.equal(entrant(gate).started, true, 'no capacity: served at once');
});

test('a request dropped from the queue never starts and is not counted', () => {
  const gate = new CapacityGate(1);
  const first = entrant(gate);
  const second = entrant(gate);
  const third = entrant(gate);
  second.drop!();
  second.drop!();
  assert.equal(gate.figures().queued, 1);
  first.leave();
  assert.equal(second.started, false);
  assert.equal(third.started, true);
  assert.equal(gate.figures().queued, 0);
});

test('a closed gate starts nothing more', () => {
  const gate = new CapacityGate(1);
  const first = entrant(gate);
  const second = entrant(gate);
  gate.close();
  first.leave();
  assert.equal(second.started, false);
  assert.equal(entrant(gate).started, false);
});

test('a bad capacity is refused with one line naming it', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, '8', MAX_CAPACITY + 1]) {
    assert.throws(
      () => new CapacityGate(bad as number),
      (error: Error) => {
        assert.ok(error instanceof OptionError);
        assert.match(error.message, /^Expected `capacity` to be an integer from 1 to 1000000, got `.+`$/);
        return true;
      },
    );
  }
});

/** Starts `count` GETs at once and resolves when all are answered, with the server's peak. */
async function burst(
  server: FanoutServer,
  agent: Agent,
  count: number,
  query = 'delay=30',
): Promise<number[]> {
  const statuses = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      fetchAll(`${server.url}?${query}&id=${i}`, agent).then((r) => r.status),
    ),
  );
  return statuses;
}

test('the server with a capacity serves at most that many at once; every request is answered once', async () => {
  const server = await startServer({ capacity: 3 });
  const agent = new Agent({ connections: 64 });
  try {
    // Each held 200 ms: the 20 arrive long before the first 3 are done, even on a busy machine.
    const statuses = await burst(server, agent, 20, 'delay=200');
    assert.deepEqual(new Set(statuses), new Set([200]));
    const stats = server.stats();
    assert.equal(stats.maxActive, 3);
    assert.equal(stats.responses, 20);
    assert.deepEqual([...stats.byId.values()], Array(20).fill(1));
    assert.deepEqual([stats.active, stats.queued, stats.capacity], [0, 0, 3]);
  } finally {
    await agent.destroy();
    await server.close();
  }
});

test('without a capacity every request is served at once, as before', async () => {
  const server = await startServer();
  const agent = new Agent({ connections: 64 });
  try {
    // Stalled requests hold their slots: all 20 must be served at once, none queued.
    const stalled = burst(server, agent, 20, 'fault=stall').catch(() => undefined);
    await waitFor(() => server.stats().active === 20);
    assert.equal(server.stats().queued, 0);
    assert.equal(server.stats().capacity, undefined);
    await agent.destroy();
    await stalled;
  } finally {
    await agent.destroy();
    await server.close();
  }
});

test('POST /capacity?c=N changes it while requests wait; GET /capacity reads it', async () => {
  const server = await startServer({ capacity: 1 });
  const agent = new Agent({ connections: 64 });
  const control = newAgent();
  try {
    // A stalled request holds the only slot: the next five wait behind it.
    const stalled = fetchAll(`${server.url}?fault=stall`, agent).catch(() => undefined);
    const waiting = burst(server, agent, 5, 'delay=10');
    await waitFor(() => server.stats().queued === 5);
    const before = JSON.parse((await fetchAll(`${server.url}capacity`, control)).text);
    assert.deepEqual(before, { capacity: 1, queue: null, contention: 0, active: 1, queued: 5, shed: 0 });
    const read = await fetchAll(`${server.url}capacity?c=6`, control);
    assert.equal(read.status, 405, 'a GET with a query would change nothing: refused, not a silent 200');
    assert.equal(
      read.text,
      'GET /capacity only reads the model and takes no query: use POST /capacity?c=6 to change it\n',
    );
    assert.equal(server.stats().capacity, 1);
    const posted = await request(`${server.url}capacity?c=6`, { method: 'POST', dispatcher: control });
    assert.equal(posted.statusCode, 200);
    assert.equal(((await posted.body.json()) as { capacity: number }).capacity, 6);
    assert.deepEqual(await waiting, [200, 200, 200, 200, 200]);
    assert.equal(server.stats().maxActive, 6);
    const lifted = await request(`${server.url}capacity?c=none`, { method: 'POST', dispatcher: control });
    assert.deepEqual(await lifted.body.json(), {
      capacity: null,
      queue: null,
      contention: 0,
      active: 1,
      queued: 0,
      shed: 0,
    });
    assert.equal(server.stats().requests, 6, 'the control endpoint is not counted as a page');
    await agent.destroy();
    await stalled;
  } finally {
    await agent.destroy();
    await control.destroy();
    await server.close();
  }
});

test('a bad POST /capacity gets a one-line 400 that names the parameter, and changes nothing', async () => {
  const server = await startServer({ capacity: 4, queue: 2, contention: 0.5 });
  const agent = newAgent();
  try {
    for (const [query, message] of [
      [
        'c=0',
        /^Expected `c` \(the capacity\) to be an integer from 1 to 1000000, or none for no limit, got "0"$/,
      ],
      ['c=eight', /^Expected `c` .* got "eight"$/],
      ['c=', /^Expected `c` .* got ""$/],
      // Plain decimal only: what Number() would also read is not read otherwise than it was meant.
      ['c=0x10', /^Expected `c` .* got "0x10"$/],
      ['c=1e1', /^Expected `c` .* got "1e1"$/],
      ['c=%208', /^Expected `c` .* got " 8"$/],
      ['queue=0x4', /^Expected `queue` .* got "0x4"$/],
      ['contention=1e-1', /^Expected `contention` .* got "1e-1"$/],
      ['queue=-1', /^Expected `queue` to be an integer from 0 to 1000000, or none for no bound, got "-1"$/],
      ['queue=1.5&c=8', /^Expected `queue` .* got "1\.5"$/],
      ['contention=lots', /^Expected `contention` to be a number from 0 to 100, got "lots"$/],
      ['c=8&contention=101', /^Expected `contention` .* got "101"$/],
      ['c=8&queu=3', /^Unknown query parameter `queu` on \/capacity \(expected c, queue, contention\)$/],
      ['c=8&c=9', /^Expected `c` once, got it 2 times$/],
      [
        '',
        /^Expected at least one of c, queue, contention \(e\.g\. POST \/capacity\?c=8&queue=16&contention=1\)$/,
      ],
    ] as const) {
      const response = await request(`${server.url}capacity?${query}`, { method: 'POST', dispatcher: agent });
      const text = await response.body.text();
      assert.equal(response.statusCode, 400, query);
      assert.equal(text.split('\n').length, 2, `one line: ${text}`);
      assert.match(text.trimEnd(), message);
    }
    const put = await request(`${server.url}capacity?c=2`, { method: 'PUT', dispatcher: agent });
    assert.equal(put.statusCode, 405);
    await put.body.text();
    // Nothing changed, not even the good parameters beside a bad one.
    const { capacity, queue, contention } = server.stats();
    assert.deepEqual({ capacity, queue, contention }, { capacity: 4, queue: 2, contention: 0.5 });
  } finally {
    await agent.destroy();
    await server.close();
  }
});

test('a client that hangs up while queued frees its place; close() ends queued requests too', async () => {
  const server = await startServer({ capacity: 1 });
  const agent = new Agent({ connections: 8 });
  try {
    const first = fetchAll(`${server.url}?delay=200`, agent);
    const gone = new AbortController();
    const abandoned = fetchAll(`${server.url}?id=gone`, agent, gone.signal).catch((error: Error) => error);
    await waitFor(() => server.stats().queued === 1);
    gone.abort();
    await abandoned;
    await waitFor(() => server.stats().queued === 0);
    assert.equal((await first).status, 200);
    assert.equal(server.stats().responses, 1, 'the abandoned request was never served');
    const stuck = fetchAll(`${server.url}?fault=stall`, agent).catch(() => 'ended');
    const queued = fetchAll(server.url, agent).catch(() => 'ended');
    await waitFor(() => server.stats().queued === 1);
    await server.close();
    assert.deepEqual(await Promise.all([stuck, queued]), ['ended', 'ended']);
  } finally {
    await agent.destroy();
    await server.close();
  }
});

test('a bad capacity option is refused at the door', async () => {
  await assert.rejects(startServer({ capacity: 0 }), /^OptionError: Expected `capacity` to be an integer/);
});

test('a bounded queue sheds what does not fit: beyond the capacity and the queue, a request is refused', () => {
  const gate = new CapacityGate(2, 1);
  const admitted = [];
  for (let i = 0; i < 3; i++) {
    assert.equal(gate.shed(), false, `request ${i}`);
    admitted.push(entrant(gate));
  }
  assert.equal(gate.shed(), true, 'two served and one waiting: the fourth is shed');
  assert.equal(gate.shed(), true);
  assert.deepEqual(gate.figures(), { capacity: 2, active: 2, queued: 1, maxActive: 2, shed: 2 });
  admitted[0]!.leave();
  assert.equal(gate.shed(), false, 'a slot freed, the waiting one took it: room in the queue again');
  assert.equal(new CapacityGate(2).shed(), false, 'no bound: never shed');
  assert.throws(
    () => new CapacityGate(2, -1),
    /Expected `queue` to be an integer from 0 to 1000000, got `-1 \(number\)`/,
  );
});

test('a 503 gives the bound of the queue and the true count, which a lowered bound may leave above it', () => {
  const gate = new CapacityGate(2, 3);
  for (let i = 0; i < 5; i++) entrant(gate);
  assert.equal(gate.shed(), true);
  assert.equal(
    overloadedMessage(gate),
    'overloaded: 2 served at once (the capacity) and at most 3 may wait (3 waiting now)',
  );
  gate.setModel({ queue: 0 });
  assert.equal(gate.shed(), true);
  assert.equal(
    overloadedMessage(gate),
    'overloaded: 2 served at once (the capacity) and at most 0 may wait (3 waiting now)',
  );
});

test('decimalOf reads plain decimal only', () => {
  assert.equal(decimalOf('16', true), 16);
  assert.equal(decimalOf('0', true), 0);
  assert.equal(decimalOf('0.5', false), 0.5);
  assert.equal(decimalOf('.5', false), 0.5);
  assert.equal(decimalOf('2.', false), 2);
  for (const raw of ['0x10', '1e1', '', ' 8', '8 ', '-1', '+1', 'Infinity', '0b1', '1_000']) {
    assert.equal(decimalOf(raw, false), Number.NaN, raw);
  }
  assert.equal(decimalOf('1.5', true), Number.NaN);
});

test('contention: each request waiting slows the ones served, in proportion to the capacity', () => {
  const figures = (active: number, queued: number, capacity: number | undefined = 8) => ({
    capacity,
    active,
    queued,
    maxActive: active,
    shed: 0,
  });
  assert.equal(contendedDelay(50, figures(8, 0), 1), 50, 'no queue: the service its own speed');
  assert.equal(contendedDelay(50, figures(8, 8), 1), 100, 'as many waiting as served: half speed');
  assert.equal(contendedDelay(50, figures(8, 56), 0.5), 225);
  assert.equal(contendedDelay(50, figures(8, 56), 0), 50, 'contention 0: waiting costs nothing');
  assert.equal(contendedDelay(50, figures(3, 0, undefined), 1), 50, 'no capacity, no contention');
});

test('the server sheds with a 503 at once and slows down under contention, as configured', async (t) => {
  const shedding = await startServer({ delay: 1500, capacity: 1, queue: 1 });
  t.after(() => shedding.close());
  const agent = newAgent();
  t.after(() => agent.close());
  const all = Promise.all(
    Array.from({ length: 4 }, (_, i) => fetchAll(`${shedding.url}?id=${i}`, agent).then((r) => r.status)),
  );
  await waitFor(() => shedding.stats().shed === 2);
  // While one is served and one waits, a 503 says so: the bound and the count.
  const shed = await fetchAll(`${shedding.url}?id=late`, agent);
  assert.equal(shed.status, 503);
  assert.equal(
    shed.text,
    'overloaded: 1 served at once (the capacity) and at most 1 may wait (1 waiting now)\n',
  );
  const statuses = await all;
  assert.deepEqual([...statuses].sort(), [200, 200, 503, 503], 'one served, one waiting, two shed');
  assert.equal(shedding.stats().shed, 3);
  await assert.rejects(
    startServer({ capacity: 1, contention: -1 }),
    /Expected `contention` to be a number from 0 to 100, got `-1 \(number\)`/,
  );
});

test('parseModelQuery: each parameter sets one figure, none lifts a limit, the rest stay', () => {
  const parse = (query: string) => parseModelQuery(new URLSearchParams(query));
  assert.deepEqual(parse('c=8&queue=16&contention=1'), { change: { capacity: 8, queue: 16, contention: 1 } });
  assert.deepEqual(parse('c=none&queue=none'), { change: { capacity: undefined, queue: undefined } });
  assert.deepEqual(parse('queue=0'), { change: { queue: 0 } });
  assert.deepEqual(parse('contention=0.25'), { change: { contention: 0.25 } });
  assert.match(parse('contention=none').problem ?? '', /`contention`/);
});

test('the gate changes its queue bound and contention while running, all or nothing', () => {
  const gate = new CapacityGate(1, 1);
  assert.deepEqual(gate.model(), { capacity: 1, queue: 1, contention: 0 });
  entrant(gate);
  entrant(gate);
  assert.equal(gate.shed(), true, 'one served and one waiting: the bound of 1 is full');
  gate.setModel({ queue: 3, contention: 2 });
  assert.equal(gate.shed(), false);
  gate.setModel({ queue: undefined });
  assert.deepEqual(gate.model(), { capacity: 1, queue: undefined, contention: 2 });
  assert.throws(
    () => gate.setModel({ capacity: 4, queue: -1 }),
    (error: unknown) => error instanceof OptionError && /`queue`/.test(error.message),
  );
  assert.deepEqual(
    gate.model(),
    { capacity: 1, queue: undefined, contention: 2 },
    'a bad change changes nothing',
  );
});

test('POST /capacity changes the queue bound and the contention mid-run: the 503s and the latency follow', async () => {
  const server = await startServer({ capacity: 2 });
  const holders = new Agent({ connections: 4 });
  let holdersGone = false;
  const agent = new Agent({ connections: 32 });
  const control = newAgent();
  const post = async (query: string) => {
    const response = await request(`${server.url}capacity?${query}`, { method: 'POST', dispatcher: control });
    assert.equal(response.statusCode, 200, query);
    return (await response.body.json()) as Record<string, unknown>;
  };
  const get = (query: string) => fetchAll(`${server.url}?${query}`, agent).then((r) => r.status);
  try {
    // Two stalled requests hold both slots, so what arrives next waits or is shed, deterministically.
    const stalled = [0, 1].map(() => fetchAll(`${server.url}?fault=stall`, holders).catch(() => undefined));
    await waitFor(() => server.stats().active === 2);

    // No bound: all wait.
    const first = [0, 1, 2].map(() => get('delay=1'));
    await waitFor(() => server.stats().queued === 3);
    assert.equal(server.stats().shed, 0);

    // A bound of 4 while 3 wait: one more waits, the next two are shed at once.
    assert.deepEqual(await post('queue=4'), {
      capacity: 2,
      queue: 4,
      contention: 0,
      active: 2,
      queued: 3,
      shed: 0,
    });
    const second = [0, 1, 2].map(() => get('delay=1'));
    await waitFor(() => server.stats().shed === 2);
    assert.equal(server.stats().queued, 4);
    // Lowered below those waiting: they keep their place, every new arrival is shed.
    await post('queue=0');
    assert.equal(await get('delay=1'), 503);
    assert.equal(server.stats().queued, 4);

    // Contention 3 and no bound, and a capacity of 1 that lets the waiting through one at a time: each
    // starts its service slower by the others still waiting, delay × (1 + 3 × waiting ÷ 1).
    await post('queue=none&contention=3&c=1');
    const contendedBefore = server.stats().contended;
    const started = performance.now();
    const third = [0, 1].map(() => get('delay=100'));
    await waitFor(() => server.stats().queued === 6);
    holdersGone = true;
    await holders.destroy(); // the stalled requests end and free their slots
    assert.deepEqual(
      [...(await Promise.all(first)), ...(await Promise.all(second))].sort(),
      [200, 200, 200, 200, 503, 503],
    );
    assert.deepEqual(await Promise.all(third), [200, 200]);
    // Served one at a time in arrival order, each of the first five with others waiting behind it.
    assert.equal(server.stats().contended - contendedBefore, 5);
    // The two 100 ms requests alone took 100 × (1 + 3 × 1) + 100 ms in turn: a lower bound only.
    assert.ok(since(started) >= 500 - TIMER_SLACK_MS, `${since(started)} ms`);

    // Contention back to 0: the same queue adds no contended request.
    await post('contention=0');
    const contendedAfter = server.stats().contended;
    const blocker = fetchAll(`${server.url}?delay=50`, agent).then((r) => r.status);
    await waitFor(() => server.stats().active === 1);
    const fourth = [0, 1, 2].map(() => get('delay=1'));
    await waitFor(() => server.stats().queued === 3);
    assert.deepEqual(await Promise.all([blocker, ...fourth]), [200, 200, 200, 200]);
    assert.equal(server.stats().contended, contendedAfter);
    await Promise.all(stalled);
  } finally {
    if (!holdersGone) await holders.destroy();
    await agent.destroy();
    await control.destroy();
    await server.close();
  }
});
