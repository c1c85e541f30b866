import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { startServer } from '../../src/workloads/server.js';
import { fetchAll, newAgent } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** A bound on every test here, so a child that never prints its URL fails the test instead of hanging it. */
const CHILD_TEST_TIMEOUT_MS = 30_000;

interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function fanout(...args: string[]): Child {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>,
  };
}

/** Waits for the line that names the URL the child listens on. */
async function listeningUrl(child: Child): Promise<string> {
  const pattern = /listening on .*?(http:\/\/[^\s)]+)/;
  while (!pattern.test(child.stdout())) {
    const exited = await Promise.race([
      once(child.process.stdout!, 'data').then(() => false),
      child.exited.then(() => true),
    ]);
    if (exited) throw new Error(`serve exited before printing its URL: ${child.stderr()}`);
  }
  return pattern.exec(child.stdout())![1]!;
}

function stopIfRunning(child: Child): void {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`fanout serve answers requests, and on ${signal} prints what it served and exits 0`, {
    timeout: CHILD_TEST_TIMEOUT_MS,
  }, async () => {
    const child = fanout('serve', '--port', '0', '--delay', '5', '--size', '1234');
    const agent = newAgent();
    try {
      const url = await listeningUrl(child);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.match(child.stdout(), /defaults: delay 5 ms, jitter ±0 ms, body 1234 bytes/);
      for (const parameter of [
        'delay=',
        'jitter=',
        'size=',
        'status=',
        'fault=reset',
        'fault=stall',
        'fault=trickle',
        'id=',
      ]) {
        assert.ok(child.stdout().includes(parameter), `the start-up text explains ${parameter}`);
      }
      const first = await fetchAll(`${url}?id=a`, agent);
      assert.equal(first.status, 200);
      assert.equal(first.bytes, 1234);
      const second = await fetchAll(`${url}?id=b&size=7&status=503`, agent);
      assert.deepEqual([second.status, second.bytes], [503, 7]);
      await agent.destroy();
      child.process.kill(signal);
      const [code] = await child.exited;
      assert.equal(code, 0, child.stderr());
      assert.match(
        child.stdout(),
        new RegExp(
          `${signal}: stopped\\. served 2 requests \\(2 complete responses\\) over [12] connections?; 2 distinct ids, 0 requested more than once\\n$`,
        ),
      );
      assert.equal(child.stderr(), '');
    } finally {
      await agent.destroy();
      stopIfRunning(child);
    }
  });
}

test('fanout serve on a port in use exits 2 with one line', { timeout: CHILD_TEST_TIMEOUT_MS }, async () => {
  const taken = await startServer();
  const child = fanout('serve', '--port', String(taken.port));
  try {
    const [code] = await child.exited;
    assert.equal(code, 2);
    assert.equal(child.stdout(), '');
    assert.match(child.stderr(), new RegExp(`^fanout: port ${taken.port} is already in use[^\\n]*\\n$`));
  } finally {
    stopIfRunning(child);
    await taken.close();
  }
});

test('fanout serve refuses a bad flag value with exit 2 and one line', {
  timeout: CHILD_TEST_TIMEOUT_MS,
}, async () => {
  for (const args of [
    ['--port', 'abc'],
    ['--delay', '-5'],
    ['--size', '1.5'],
    ['--port', '70000'],
    // Plain decimal only, as POST /capacity takes.
    ['--delay', '0x10'],
    ['--size', '1e3'],
  ]) {
    const child = fanout('serve', ...args);
    try {
      const [code] = await child.exited;
      assert.equal(code, 2, args.join(' '));
      assert.match(
        child.stderr(),
        new RegExp(`^fanout: ${args[0]}: expected a (whole )?number from 0 to \\d+, got \`${args[1]}\`\\n$`),
      );
    } finally {
      stopIfRunning(child);
    }
  }
});

test('fanout serve --host prints the address really bound, and warns in one line beyond loopback', {
  timeout: CHILD_TEST_TIMEOUT_MS,
}, async () => {
  const wide = fanout('serve', '--port', '0', '--host', '0.0.0.0');
  const agent = newAgent();
  try {
    const url = await listeningUrl(wide);
    const port = new URL(url).port;
    assert.match(
      wide.stdout(),
      new RegExp(
        `^fanout serve: listening on 0\\.0\\.0\\.0:${port}, every IPv4 interface \\(http://127\\.0\\.0\\.1:${port}/ from this machine\\)\n`,
      ),
    );
    assert.equal(
      wide.stderr(),
      `fanout serve: warning: listening beyond loopback (0.0.0.0:${port}): any machine that can reach this one can use this server and its faults; --host 127.0.0.1 keeps it local\n`,
    );
    assert.equal((await fetchAll(url, agent)).status, 200);
  } finally {
    await agent.destroy();
    stopIfRunning(wide);
  }
  for (const host of ['127.0.0.1', 'localhost']) {
    const local = fanout('serve', '--port', '0', '--host', host);
    try {
      await listeningUrl(local);
      assert.match(
        local.stdout(),
        /^fanout serve: listening on http:\/\/\S+ \(loopback: this machine only\)\n/,
      );
      // The warning would come before the address: none by now means none.
      assert.equal(local.stderr(), '', `${host}: no warning`);
    } finally {
      stopIfRunning(local);
    }
  }
});

test('fanout serve --capacity N says so, and POST /capacity changes it while it runs', {
  timeout: CHILD_TEST_TIMEOUT_MS,
}, async () => {
  const child = fanout('serve', '--port', '0', '--capacity', '2');
  const agent = newAgent();
  try {
    const url = await listeningUrl(child);
    assert.match(child.stdout(), /capacity: 2 served at once, the rest queued in arrival order/);
    assert.match(
      child.stdout(),
      /curl -X POST "http:\/\/127\.0\.0\.1:\d+\/capacity\?c=8&queue=16&contention=1"/,
    );
    assert.deepEqual(JSON.parse((await fetchAll(`${url}capacity`, agent)).text), {
      capacity: 2,
      queue: null,
      contention: 0,
      active: 0,
      queued: 0,
      shed: 0,
    });
    const posted = await request(`${url}capacity?c=5&queue=3&contention=1.5`, {
      method: 'POST',
      dispatcher: agent,
    });
    assert.deepEqual(await posted.body.json(), {
      capacity: 5,
      queue: 3,
      contention: 1.5,
      active: 0,
      queued: 0,
      shed: 0,
    });
    await agent.destroy();
    child.process.kill('SIGINT');
    assert.equal((await child.exited)[0], 0, child.stderr());
  } finally {
    await agent.destroy();
    stopIfRunning(child);
  }
});

test('fanout serve --queue and --contention without --capacity: the banner says they wait for one, and POST c=N applies them', {
  timeout: CHILD_TEST_TIMEOUT_MS,
}, async () => {
  const child = fanout('serve', '--port', '0', '--queue', '4', '--contention', '2');
  const agent = newAgent();
  try {
    const url = await listeningUrl(child);
    assert.match(
      child.stdout(),
      /^capacity: no limit \(every request served at once\); --queue 4 and --contention 2 take effect once POST \/capacity\?c=N sets a capacity$/m,
    );
    const posted = await request(`${url}capacity?c=3`, { method: 'POST', dispatcher: agent });
    assert.deepEqual(await posted.body.json(), {
      capacity: 3,
      queue: 4,
      contention: 2,
      active: 0,
      queued: 0,
      shed: 0,
    });
    await agent.destroy();
    child.process.kill('SIGINT');
    assert.equal((await child.exited)[0], 0, child.stderr());
  } finally {
    await agent.destroy();
    stopIfRunning(child);
  }
});

test('fanout serve refuses --capacity 0 with exit 2 and one line', {
  timeout: CHILD_TEST_TIMEOUT_MS,
}, async () => {
  const child = fanout('serve', '--capacity', '0');
  try {
    const [code] = await child.exited;
    assert.equal(code, 2);
    assert.match(child.stderr(), /--capacity: expected a whole number from 1 to \d+, got `0`/);
    const hex = fanout('serve', '--capacity', '0x10');
    assert.equal((await hex.exited)[0], 2);
    assert.equal(hex.stderr(), 'fanout: --capacity: expected a whole number from 1 to 1000000, got `0x10`\n');
  } finally {
    stopIfRunning(child);
  }
});
