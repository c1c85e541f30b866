// `fanout compare` run as a real child process, its output and exports parsed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Outcome, runCli } from './run-cli.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../test/fixtures/measure/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fanout-compare-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as a real child process, run in this test's temporary directory. */
const fanout = (args: string[], stdin?: string): Promise<Outcome> => runCli(args, { cwd: dir, stdin });

function inputsFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const ONCE = ['--runs', '1', '--warmup', '0'];

test('compare prints a table and a summary, and exports JSON, Markdown and CSV', async () => {
  const inputs = inputsFile('busy.ndjson', '50000\n50001\n\n50002\n');
  const json = join(dir, 'out.json');
  const md = join(dir, 'out.md');
  const csv = join(dir, 'out.csv');
  const { code, stdout, stderr } = await fanout([
    'compare',
    fixture('busy.mjs'),
    '--inputs',
    inputs,
    ...ONCE,
    '--export-json',
    json,
    '--export-markdown',
    md,
    '--export-csv',
    csv,
  ]);
  assert.equal(code, 0, stderr);
  const lines = stdout.split('\n');
  assert.match(lines[0]!, /busy\.mjs · 3 inputs · 1 run each, no warm-up/);
  const header = lines.findIndex((line) => line.startsWith('strategy'));
  assert.deepEqual(
    lines.slice(header + 1, header + 5).map((line) => line.split(/\s+/)[0]),
    ['sequential', 'async', 'threads', 'processes'],
  );
  assert.match(stdout, /^\w+ ran \d+(\.\d+)? × faster than \w+/m);
  // Not a terminal: one plain progress line per run on stderr.
  assert.deepEqual(
    stderr
      .trimEnd()
      .split('\n')
      .map((line) => line.replace(/ in .*/, '')),
    [
      '[1/4] sequential run 1/1: 3 inputs',
      '[2/4] async      run 1/1: 3 inputs',
      '[3/4] threads    run 1/1: 3 inputs',
      '[4/4] processes  run 1/1: 3 inputs',
    ],
  );
  const exported = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(exported.format, 'fanout-compare');
  assert.equal(exported.inputs, 3);
  assert.equal(exported.strategies.length, 4);
  for (const s of exported.strategies) {
    assert.equal(s.runs.length, 1);
    assert.equal(s.runs[0].timeline.length, 3);
  }
  assert.match(readFileSync(md, 'utf8'), /^\| strategy \| concurrency \| wall \(median\) \|/m);
  // CSV: a header, then one row per configuration with the JSON's own figures, in seconds.
  const rows = readFileSync(csv, 'utf8')
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  assert.equal(
    rows[0]!.join(','),
    'name,strategy,concurrency,in_flight,runs,median_s,mean_s,stddev_s,min_s,max_s,cpu_s,peak_rss_bytes,tasks_per_s,speedup,efficiency,failed,limit_min,limit_max,limit_mean',
  );
  assert.deepEqual(
    rows.slice(1).map((row) => row[1]),
    ['sequential', 'async', 'threads', 'processes'],
  );
  for (const [i, s] of exported.strategies.entries()) {
    const row = rows[i + 1]!;
    assert.equal(Number(row[2]), s.concurrency);
    assert.equal(Number(row[4]), 1);
    assert.equal(Number(row[5]), s.wallMs.median / 1000);
    assert.equal(Number(row[15]), 0);
  }
});

test('inputs from stdin, a subset of strategies, per-strategy concurrency, a named export, quiet', async () => {
  const { code, stdout, stderr } = await fanout(
    [
      'compare',
      fixture('named.mjs'),
      '--inputs',
      '-',
      '--strategies',
      'async,threads',
      '--concurrency',
      'async=3,threads=1',
      '--export',
      'triple',
      '--quiet',
      ...ONCE,
    ],
    '1\n2\n3\n4\n',
  );
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  assert.match(stdout, /^async\s+3\s/m);
  assert.match(stdout, /^threads\s+1\s/m);
  assert.doesNotMatch(stdout, /^sequential/m);
  // No sequential: no speed-up to show.
  assert.match(stdout, /^threads\s+1\s.*—\s+—$/m);
});

test('the hybrid as a configuration: threads=1 and threads=1x3 side by side, named apart everywhere', async () => {
  const json = join(dir, 'hybrid.json');
  const md = join(dir, 'hybrid.md');
  const { code, stdout, stderr } = await fanout(
    [
      'compare',
      fixture('sleep.mjs'),
      '-i',
      '-',
      '-s',
      'sequential,threads',
      '-c',
      'threads=1,threads=1x3',
      '--export-json',
      json,
      '--export-markdown',
      md,
      '--quiet',
      ...ONCE,
    ],
    '5\n5\n5\n5\n5\n5\n',
  );
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^threads 1\s+1\s/m);
  assert.match(stdout, /^threads 1×3\s+1×3\s/m);
  assert.match(readFileSync(md, 'utf8'), /^\| (\*\*)?threads 1×3(\*\*)? \| 1×3 \|/m);
  const exported = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(
    exported.strategies.map((s: { name: string; concurrency: number; inFlight: number }) => [
      s.name,
      s.concurrency,
      s.inFlight,
    ]),
    [
      ['sequential', 1, 1],
      ['threads 1', 1, 1],
      ['threads 1×3', 1, 3],
    ],
  );
});

test('--sweep: one strategy at each level, and throughput against level as a table with bars', async () => {
  const json = join(dir, 'sweep.json');
  const { code, stdout, stderr } = await fanout(
    [
      'compare',
      fixture('sleep.mjs'),
      '-i',
      '-',
      '--sweep',
      'threads=1x1..4',
      '--export-json',
      json,
      '--quiet',
      ...ONCE,
    ],
    '5\n5\n5\n5\n',
  );
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^threads 1×K: throughput against K, the tasks in flight per worker$/m);
  for (const level of [1, 2, 4])
    assert.match(stdout, new RegExp(`^\\s*${level}\\s+[\\d.]+ /s\\s+.*█+$`, 'm'));
  assert.match(stdout, /^Highest (median )?throughput at [124] /m);
  const exported = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(exported.sweep, {
    strategy: 'threads',
    varies: 'inFlight',
    concurrency: 1,
    levels: [1, 2, 4],
  });
});

test('some inputs failed: exit 1, the table still printed, the errors named', async () => {
  const inputs = inputsFile('flaky.ndjson', '0\n1\n2\n');
  const { code, stdout } = await fanout([
    'compare',
    fixture('flaky.mjs'),
    '-i',
    inputs,
    '--strategies',
    'sequential,threads',
    '--quiet',
    ...ONCE,
  ]);
  assert.equal(code, 1);
  assert.match(stdout, /^strategy/m);
  assert.match(stdout, /^sequential: 1 of 3 inputs failed$/m);
  assert.match(stdout, /^ {2}input 1: .*odd input 1/m);
  // Inputs failed under every configuration: no winner, and no speed-up against a failed baseline.
  assert.match(
    stdout,
    /^Verdict: no winner: inputs failed under every configuration \(sequential: 1 of 3 inputs failed; threads: 1 of 3 inputs failed\)/m,
  );
  assert.match(stdout, /^threads +2 .* † +— +—$/m);
  assert.match(stdout, /^† tasks\/s counts failed inputs as done/m);
});

const bad = inputsFile('bad.ndjson', '1\n{"oops": \n3\n');
const good = inputsFile('good.ndjson', '1\n2\n');

const usageErrors: [string, string[], RegExp][] = [
  [
    'an unknown strategy',
    ['compare', fixture('busy.mjs'), '-i', good, '--strategies', 'sequential,fibers'],
    /--strategies: unknown strategy `fibers`/,
  ],
  [
    'a level for a strategy not measured',
    ['compare', fixture('busy.mjs'), '-i', good, '-s', 'threads', '-c', 'async=adaptive'],
    /--concurrency: `async=adaptive` is for async, which --strategies does not measure \(threads\)/,
  ],
  [
    'a missing inputs file',
    ['compare', fixture('busy.mjs'), '-i', 'nope.ndjson'],
    /inputs file not found: nope\.ndjson/,
  ],
  ['a malformed NDJSON line', ['compare', fixture('busy.mjs'), '-i', bad], /malformed JSON on line 2/],
  [
    'a task module that cannot be loaded',
    ['compare', fixture('throws-on-load.mjs'), '-i', good, '--strategies', 'threads'],
    /failed to load.*this module refuses to load/,
  ],
  [
    'a task module that does not exist',
    ['compare', 'missing.mjs', '-i', good],
    /task module not found: .*missing\.mjs/,
  ],
  [
    'a missing export',
    ['compare', fixture('named.mjs'), '-i', good, '--export', 'quadruple'],
    /has no export `quadruple`/,
  ],
  [
    'a setup that throws',
    ['compare', fixture('bad-setup.mjs'), '-i', good],
    /setup of .* threw: .*no database here/,
  ],
  [
    'zero runs',
    ['compare', fixture('busy.mjs'), '-i', good, '--runs', '0'],
    /--runs: expected a whole number of at least 1, got `0`/,
  ],
  [
    'a bad concurrency',
    ['compare', fixture('busy.mjs'), '-i', good, '--concurrency', 'threads=zero'],
    /--concurrency threads: expected a whole number of at least 1, got `zero`/,
  ],
  [
    'a hybrid under async',
    ['compare', fixture('busy.mjs'), '-i', good, '--concurrency', 'async=2x8'],
    /--concurrency: NxK \(workers × tasks in flight each\) applies to threads and processes, not async/,
  ],
  [
    'a sweep with --strategies',
    ['compare', fixture('busy.mjs'), '-i', good, '--sweep', 'threads=1..4', '-s', 'threads'],
    /--sweep: measures one strategy at its own levels; leave out --strategies and --concurrency/,
  ],
  [
    'a sweep that falls',
    ['compare', fixture('busy.mjs'), '-i', good, '--sweep', 'threads=4..1'],
    /--sweep: expected the range to rise/,
  ],
  ['no --inputs', ['compare', fixture('busy.mjs')], /--inputs is required/],
  [
    'an export file in a missing directory',
    ['compare', fixture('busy.mjs'), '-i', good, '--export-json', 'no/such/dir/out.json'],
    /--export-json: directory not found: .*no\/such\/dir/,
  ],
];

for (const [what, args, message] of usageErrors) {
  test(`exit 2 and one line naming the cause: ${what}`, async () => {
    // ONCE first, so a test's own --runs comes later and wins.
    const { code, stdout, stderr } = await fanout([args[0]!, ...ONCE, ...args.slice(1), '--quiet']);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, message);
    assert.equal(stderr.trimEnd().split('\n').length, 1, `one line, got:\n${stderr}`);
    assert.match(stderr, /^fanout: /);
  });
}
