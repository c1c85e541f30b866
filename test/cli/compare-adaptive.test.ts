// `fanout compare` with adaptive configurations, as a real child process against the loopback server
// with a capacity: the notation in every export, and what each adaptive limit did beside the fixed rows.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type FanoutServer, startServer } from '../../src/workloads/server.js';
import { runCli } from './run-cli.js';

const INPUTS = 120;
const dir = mkdtempSync(join(tmpdir(), 'fanout-compare-adaptive-'));
let server: FanoutServer;
let inputs: string;

before(async () => {
  // 8 served at once, 20 ms each: a service a limit can find.
  server = await startServer({ delay: 20, capacity: 8 });
  inputs = join(dir, 'urls.ndjson');
  const lines = Array.from({ length: INPUTS }, (_, i) => JSON.stringify(`${server.url}?id=u${i}`));
  writeFileSync(inputs, `${lines.join('\n')}\n`);
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ExportedLimit {
  start: number;
  min: number;
  max: number;
  mean: number;
}

test('compare measures async=adaptive and threads=2xadaptive:1-64 beside fixed rows, in one notation everywhere', async () => {
  const json = join(dir, 'out.json');
  const csv = join(dir, 'out.csv');
  const md = join(dir, 'out.md');
  const html = join(dir, 'out.html');
  const { code, stdout, stderr } = await runCli(
    [
      'compare',
      'download',
      '-i',
      inputs,
      '-s',
      'async,threads',
      '-c',
      'async=16,async=adaptive,threads=2x4,threads=2xadaptive:1-64',
      '--runs',
      '1',
      '--warmup',
      '0',
      '--export-json',
      json,
      '--export-csv',
      csv,
      '--export-markdown',
      md,
      '--report',
      html,
    ],
    { cwd: dir },
  );
  assert.equal(code, 0, stderr);
  const names = ['async 16', 'async adaptive', 'threads 2×4', 'threads 2×adaptive:1-64'];
  const levels = ['16', 'adaptive', '2×4', '2×adaptive:1-64'];

  // The terminal: the level column in the notation, then a line per adaptive row saying what it did.
  for (const [i, name] of names.entries()) {
    assert.match(stdout, new RegExp(`^${name}\\s+${levels[i]}\\s`, 'm'));
  }
  const lineOf = (name: string, what: string) =>
    new RegExp(
      `^${name}: ${what} from \\d+, between \\d+ and \\d+, [\\d.]+ on average over the run \\(time-weighted; bounds ([\\d,]+)–([\\d,]+)\\)$`,
      'm',
    );
  assert.match(stdout, lineOf('async adaptive', 'limit'));
  assert.match(stdout, lineOf('threads 2×adaptive:1-64', 'tasks in flight per worker'));

  // JSON: the level and the limit's figures; numbers where they were fixed.
  const exported = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(
    exported.strategies.map((s: { name: string }) => s.name),
    names,
  );
  assert.deepEqual(
    exported.strategies.map((s: { level: string }) => s.level),
    levels,
  );
  const [fixed, moving, , hybrid] = exported.strategies;
  assert.equal(fixed.adaptive, undefined);
  assert.equal(fixed.runs[0].limit, undefined);
  for (const [s, setting, moves, bounds] of [
    [moving, 'adaptive', 'concurrency', { min: 1, max: 1000 }],
    [hybrid, 'adaptive:1-64', 'inFlight', { min: 1, max: 64 }],
  ] as const) {
    assert.equal(s.adaptive.setting, setting);
    assert.equal(s.adaptive.moves, moves);
    assert.deepEqual(s.adaptive.bounds, bounds);
    const limit: ExportedLimit = s.adaptive.limit;
    assert.ok(bounds.min <= limit.min && limit.min <= limit.mean, JSON.stringify(limit));
    assert.ok(limit.mean <= limit.max && limit.max <= bounds.max, JSON.stringify(limit));
    assert.ok(limit.min <= limit.start && limit.start <= limit.max, JSON.stringify(limit));
    // One measured run: the comparison's figures are that run's, and its series was kept.
    const run = s.runs[0];
    assert.deepEqual(
      { start: run.limit.start, min: run.limit.min, max: run.limit.max, mean: run.limit.mean },
      limit,
    );
    assert.ok(run.limit.series.length > 0);
    const done = run.limit.series.reduce((sum: number, b: { done: number }) => sum + b.done, 0);
    assert.equal(done, INPUTS);
  }

  // CSV: the notation in the column of the number that moved, the limit's figures in the last three.
  const rows = readFileSync(csv, 'utf8')
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  const header = rows[0]!;
  assert.deepEqual(header.slice(-3), ['limit_min', 'limit_max', 'limit_mean']);
  const column = (name: string) => header.indexOf(name);
  assert.deepEqual(
    rows.slice(1).map((row) => [row[column('concurrency')], row[column('in_flight')]]),
    [
      ['16', '1'],
      ['adaptive', '1'],
      ['2', '4'],
      ['2', 'adaptive:1-64'],
    ],
  );
  for (const [i, s] of exported.strategies.entries()) {
    const row = rows[i + 1]!;
    const figures = [row[column('limit_min')], row[column('limit_max')], row[column('limit_mean')]];
    if (s.adaptive === undefined) assert.deepEqual(figures, ['', '', '']);
    else
      assert.deepEqual(figures.map(Number), [
        s.adaptive.limit.min,
        s.adaptive.limit.max,
        s.adaptive.limit.mean,
      ]);
  }

  // Markdown: the same level column (the fastest's name in bold), and the limits as bullets.
  const markdown = readFileSync(md, 'utf8');
  assert.match(markdown, /^\| (\*\*)?async adaptive(\*\*)? \| adaptive \|/m);
  assert.match(markdown, /^\| (\*\*)?threads 2×adaptive:1-64(\*\*)? \| 2×adaptive:1-64 \|/m);
  assert.match(markdown, /\*\*Adaptive limits\*\*\n\n- async adaptive: limit from/);

  // HTML: the level with its range and mean in the figures table, and each adaptive limit over time.
  const page = readFileSync(html, 'utf8');
  assert.match(page, /2×adaptive:1-64<span class="limit-figures">\d+–\d+, mean [\d.]+<\/span>/);
  assert.match(page, />adaptive<span class="limit-figures">\d+–\d+, mean [\d.]+<\/span>/);
  assert.match(page, /The adaptive limit over time/);
  // Its timeline's caption says what the limit did, not the figure it started from.
  assert.match(
    page,
    /async adaptive<\/strong> · limit (between \d+ and \d+, [\d.]+ on average|stayed at \d+) ·/,
  );
  assert.match(
    page,
    /threads 2×adaptive:1-64<\/strong> · 2 worker threads; tasks in flight per worker (between \d+ and \d+, [\d.]+ on average|stayed at \d+) ·/,
  );
  assert.equal(page.match(/<figure class="chart-figure s-(async|threads)"><svg/g)?.length, 2);

  // Every input was asked for once per row, no more.
  for (let i = 0; i < INPUTS; i++) assert.equal(server.stats().byId.get(`u${i}`), names.length);
});

test('a sweep with an adaptive row: the row after the levels, the peak taken among the fixed ones', async () => {
  const json = join(dir, 'sweep.json');
  const { code, stdout, stderr } = await runCli(
    [
      'compare',
      'download',
      '-i',
      inputs,
      '--sweep',
      'async=4..8,adaptive:2-64',
      '--runs',
      '1',
      '--warmup',
      '0',
      '--export-json',
      json,
    ],
    { cwd: dir },
  );
  assert.equal(code, 0, stderr);
  const exported = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(
    exported.strategies.map((s: { name: string }) => s.name),
    ['async 4', 'async 8', 'async adaptive:2-64'],
  );
  assert.equal(exported.sweep.adaptive, 'adaptive:2-64');
  assert.match(stdout, /^adaptive:2-64\s+[\d,]+ \/s/m);
  assert.match(
    stdout,
    /Highest (median )?throughput at [48] .*adaptive:2-64 \([\d.]+ on average, between \d+ and \d+\): [\d,]+ tasks\/s, [\d.]+ × the throughput at [48]\./,
  );
});

test('a bad adaptive level is one line and exit 2, before anything runs', async () => {
  const before = server.stats().requests;
  for (const [level, message] of [
    ['threads=adaptive', /--concurrency: threads' workers are fixed; write threads=Nxadaptive/],
    [
      'async=adaptive:8-2',
      /--concurrency async: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got `adaptive:8-2`/,
    ],
  ] as const) {
    const { code, stderr } = await runCli(['compare', 'download', '-i', inputs, '-c', level], { cwd: dir });
    assert.equal(code, 2);
    assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
    assert.match(stderr, message);
  }
  assert.equal(server.stats().requests, before);
});
