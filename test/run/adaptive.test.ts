/** `fanout run --concurrency adaptive[:MIN-MAX]` and `--in-flight adaptive[:MIN-MAX]`: what it prints, what it refuses. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatAdaptive } from '../../src/report/run-lines.js';
import { startServer } from '../../src/workloads/server.js';
import { assertOneLinePerInput, DOUBLE, readLines, runFanout, tempDir, writeInputs } from './helpers.js';

const RUNS: { name: string; args: string[]; config: string; what: string }[] = [
  {
    name: '--concurrency adaptive:2-20 (async)',
    args: ['--strategy', 'async', '--concurrency', 'adaptive:2-20'],
    config: 'async adaptive',
    what: 'adaptive limit',
  },
  {
    name: '--in-flight adaptive:2-20 (threads, 2 workers)',
    args: ['--strategy', 'threads', '--concurrency', '2', '--in-flight', 'adaptive:2-20'],
    config: 'threads 2×adaptive',
    what: 'adaptive tasks in flight per worker',
  },
];

for (const { name, args, config, what } of RUNS) {
  test(`${name} runs every input once, sums up where the limit went and draws it with --report`, async (t) => {
    const server = await startServer({ delay: 5, capacity: 4 });
    t.after(() => server.close());
    const dir = tempDir(t);
    const count = 200;
    writeInputs(
      join(dir, 'in.ndjson'),
      Array.from({ length: count }, (_, i) => JSON.stringify(`${server.url}?id=${i}`)),
    );
    const out = join(dir, 'out.ndjson');
    const report = join(dir, 'run.html');
    const { code, stderr } = await runFanout(t, [
      'download',
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      out,
      ...args,
      '--report',
      report,
    ]);
    assert.equal(code, 0, stderr);
    const byIndex = assertOneLinePerInput(readLines(out), count);
    for (const line of byIndex.values()) assert.equal(line.ok, true);
    assert.equal(server.stats().byId.size, count);
    assert.ok([...server.stats().byId.values()].every((n) => n === 1));
    assert.ok(
      stderr.includes(`200 inputs recorded in `) && stderr.includes(` 200 ok, 0 failed · ${config} → `),
      stderr,
    );
    const range = new RegExp(
      `${what}: (?:stayed at (\\d+)|from (\\d+), between (\\d+) and (\\d+) during the run) \\(bounds 2–20\\)\n`,
    ).exec(stderr);
    assert.ok(range, stderr);
    for (const figure of range.slice(1).filter((x) => x !== undefined)) {
      assert.ok(Number(figure) >= 2 && Number(figure) <= 20, stderr);
    }
    assert.match(
      stderr,
      /fanout run: {3}limit {4}\S+ {2}\d+–\d+ \(at each stretch's end\)\n/,
      'the limit over time, in the summary',
    );
    assert.match(stderr, /fanout run: {3}tasks\/s {2}/);
    assert.match(stderr, /fanout run: report → /);
    assert.match(readFileSync(report, 'utf8'), /<svg class="chart" data-chart="limit-series"/);
  });
}

test('a bad --concurrency, or adaptive where it cannot work, is refused with exit 2 and one line', async (t) => {
  const dir = tempDir(t);
  writeInputs(join(dir, 'in.ndjson'), [1]);
  const cases: [string[], RegExp][] = [
    [
      ['--strategy', 'async', '--concurrency', 'adaptive:0-5'],
      /^fanout: --concurrency: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got `adaptive:0-5`\n$/,
    ],
    [['--strategy', 'async', '--concurrency', 'adaptive:8-4'], /got `adaptive:8-4`\n$/],
    [
      ['--strategy', 'threads', '--concurrency', 'adaptive'],
      /^fanout: --concurrency adaptive is not available under --strategy threads, whose workers are fixed: use --in-flight adaptive to move the tasks in flight per worker, or --strategy async\n$/,
    ],
    [
      ['--strategy', 'async', '--in-flight', 'adaptive'],
      /^fanout: --in-flight adaptive applies to --strategy threads or processes; under --strategy async, use --concurrency adaptive\n$/,
    ],
    [
      ['--strategy', 'threads', '--in-flight', 'adaptive:9-3'],
      /^fanout: --in-flight: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got `adaptive:9-3`\n$/,
    ],
    [
      ['--strategy', 'sequential', '--concurrency', 'adaptive'],
      /^fanout: --concurrency adaptive needs tasks in flight to adapt, and --strategy sequential runs one at a time: use --strategy async\n$/,
    ],
    [
      ['--concurrency', 'adaptive'],
      /^fanout: --concurrency adaptive is not yet available under --strategy auto \(the default\), which picks an adaptive limit itself for a task that mostly waits: name --strategy async \(or threads with --in-flight adaptive\) to choose one\n$/,
    ],
    [
      ['--strategy', 'async', '--concurrency', 'adaptiv'],
      /^fanout: --concurrency: expected adaptive or adaptive:MIN-MAX with 1 ≤ MIN ≤ MAX, got `adaptiv`\n$/,
    ],
    [
      ['--strategy', 'threads', '--concurrency', 'threads=2x8', '--in-flight', '4'],
      /^fanout: --concurrency threads=2x8 gives 8 tasks in flight per worker and --in-flight 4 says otherwise: give one of them\n$/,
    ],
  ];
  for (const [args, message] of cases) {
    const out = join(dir, `out-${args.join('')}.ndjson`);
    const { code, stderr } = await runFanout(t, [
      'download',
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      out,
      ...args,
    ]);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, message);
    assert.equal(existsSync(out), false, 'refused before any input ran');
  }
});

test("compare's notation runs under fanout run: async=adaptive, threads=2xadaptive:1-16, a bare 2x4", async (t) => {
  const dir = tempDir(t);
  const count = 20;
  writeInputs(
    join(dir, 'in.ndjson'),
    Array.from({ length: count }, (_, i) => i),
  );
  const cases: [string[], string][] = [
    [['--strategy', 'async', '-c', 'async=adaptive'], 'async adaptive'],
    [['--strategy', 'threads', '-c', 'threads=2xadaptive:1-16'], 'threads 2×adaptive'],
    [['--strategy', 'processes', '-c', '2x4'], 'processes 2×4'],
  ];
  for (const [args, config] of cases) {
    const out = join(dir, `out-${args.join('')}.ndjson`);
    const { code, stderr } = await runFanout(t, [
      DOUBLE,
      '--inputs',
      join(dir, 'in.ndjson'),
      '--out',
      out,
      ...args,
    ]);
    assert.equal(code, 0, stderr);
    const byIndex = assertOneLinePerInput(readLines(out), count);
    for (const [index, line] of byIndex) assert.deepEqual(line, { index, ok: true, value: index * 2 });
    assert.ok(stderr.includes(` ${count} ok, 0 failed · ${config} → `), stderr);
  }
});

test('the summary line of the limit says what the figures say', () => {
  const history = [{ time: 0, limit: 4 }];
  assert.equal(
    formatAdaptive({ bounds: { min: 1, max: 1000 }, range: { min: 4, max: 71 }, history, perWorker: false }),
    'adaptive limit: from 4, between 4 and 71 during the run (bounds 1–1,000)',
  );
  assert.equal(
    formatAdaptive({ bounds: { min: 2, max: 8 }, range: { min: 4, max: 4 }, history, perWorker: false }),
    'adaptive limit: stayed at 4 (bounds 2–8)',
  );
  assert.equal(
    formatAdaptive({ bounds: { min: 2, max: 8 }, range: { min: 2, max: 8 }, history, perWorker: true }),
    'adaptive tasks in flight per worker: from 4, between 2 and 8 during the run (bounds 2–8)',
  );
});
