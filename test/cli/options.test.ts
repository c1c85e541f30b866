/**
 * One command line: every shared option spelled, explained and checked the same way by every command
 * that takes it; unknown options reported first; examples that use real options; one input rule.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sharingWords } from '../../src/cli/option-kit.js';
import { runCli } from './run-cli.js';

const SHAPE = fileURLToPath(new URL('../../../test/fixtures/cli/shape.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fanout-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS = ['demo', 'compare', 'advise', 'run', 'serve', 'worker'];
const ONCE = ['--runs', '1', '--warmup', '0', '--strategies', 'sequential'];

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function oneLine(stderr: string): void {
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
}

async function help(command: string): Promise<string> {
  const { code, stdout } = await runCli([command, '--help']);
  assert.equal(code, 0);
  return stdout;
}

/** The help's option rows, by long name: the row's text with its whitespace collapsed. */
function optionRows(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const start = /^ {2}(-\w, )?(--[\w-]+)/.exec(line);
    if (start) {
      current = start[2]!;
      rows.set(current, line.trim());
    } else if (current !== undefined && /^ {10,}\S/.test(line)) {
      rows.set(current, `${rows.get(current)} ${line.trim()}`);
    } else current = undefined;
  }
  for (const [name, row] of rows) rows.set(name, row.replace(/\s+/g, ' '));
  return rows;
}

test('an unknown option is reported first, in one line, with the closest known name', async () => {
  for (const command of COMMANDS) {
    const { code, stderr } = await runCli([command, '--bogus']);
    assert.equal(code, 2, `${command}: ${stderr}`);
    assert.match(stderr, /^fanout: unknown option '--bogus' \(fanout \w+ --help lists its options\)\n$/);
  }
  // Before a missing <task>, a missing --inputs or --out, and a bad value.
  const cases: [string[], RegExp][] = [
    [['compare', '--bogus'], /unknown option '--bogus'/],
    [['compare', SHAPE, '--runz', '3'], /unknown option '--runz' \(did you mean --runs\?\)/],
    [
      ['run', SHAPE, '--timeout', 'soon', '--concurency', '2'],
      /'--concurency' \(did you mean --concurrency\?\)/,
    ],
    [
      ['advise', SHAPE, '--budget', '-1', '--max-concurency=4'],
      /'--max-concurency' \(did you mean --max-concurrency\?\)/,
    ],
    // Too many edits apart for a typo, but one name holds the other's words.
    [
      ['run', SHAPE, '-i', '-', '-o', '-', '--budget', '1'],
      /^fanout: unknown option '--budget' \(did you mean --advisor-budget\?\)\n$/,
    ],
    [
      ['advise', SHAPE, '-i', '-', '--advisor-budget', '1'],
      /^fanout: unknown option '--advisor-budget' \(did you mean --budget\?\)\n$/,
    ],
    [
      ['demo', '--report', join(dir, 'no', 'such', 'r.html'), '--runs=0', '--quite'],
      /'--quite' \(did you mean --quiet\?\)/,
    ],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runCli(args);
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
    oneLine(stderr);
  }
});

test('an unknown command, a missing <task>: one line each, naming the help to read', async () => {
  const typo = await runCli(['comparee', 'x']);
  assert.equal(typo.code, 2);
  assert.equal(
    typo.stderr,
    "fanout: unknown command 'comparee' (did you mean compare?) (see fanout --help)\n",
  );
  const bare = await runCli(['advise']);
  assert.equal(bare.code, 2);
  assert.equal(bare.stderr, "fanout: missing required argument 'task' (see fanout advise --help)\n");
});

test('a shared option has the same spelling and help in every command that takes it', async () => {
  const rows = new Map<string, Map<string, string>>();
  for (const command of COMMANDS) rows.set(command, optionRows(await help(command)));
  const shared: [string, string[]][] = [
    ['--inputs', ['compare', 'advise', 'run']],
    ['--export', ['compare', 'advise', 'run']],
    ['--quiet', ['demo', 'compare', 'advise', 'run']],
    ['--timeout', ['compare', 'run']],
    ['--json', ['compare', 'advise']],
    ['--report', ['compare', 'advise']],
    ['--runs', ['compare']],
    ['--warmup', ['compare']],
  ];
  for (const [option, commands] of shared) {
    const seen = commands.map((command) => rows.get(command)!.get(option));
    for (const [i, row] of seen.entries()) assert.ok(row, `${commands[i]} --help lists ${option}`);
    assert.equal(new Set(seen).size, 1, `${option}:\n${seen.join('\n')}`);
  }
  // run takes compare's --concurrency, and a bare NxK or adaptive besides, since --strategy names one.
  const concurrency = rows.get('compare')!.get('--concurrency')!;
  assert.match(concurrency, /^-c, --concurrency <n\|strategy=n,…> .*threads=2x16 .*async=adaptive/);
  assert.ok(
    rows.get('run')!.get('--concurrency')!.startsWith(concurrency),
    rows.get('run')!.get('--concurrency'),
  );
  assert.match(
    rows.get('run')!.get('--concurrency')!,
    /--concurrency adaptive \(adaptive:MIN-MAX\) under async$/,
  );
  assert.match(rows.get('run')!.get('--in-flight')!, /adaptive or adaptive:MIN-MAX moves it/);
  assert.match(rows.get('compare')!.get('--inputs')!, /^-i, --inputs/);
  assert.match(rows.get('run')!.get('--quiet')!, /^-q, --quiet/);
  // The deprecated spelling is accepted but not offered.
  assert.equal(rows.get('compare')!.get('--task-export'), undefined);
});

test("every command's --help ends with Examples that use only that command's options", async () => {
  for (const command of COMMANDS) {
    const text = await help(command);
    const at = text.lastIndexOf('\nExamples:\n');
    assert.ok(at > 0, `${command} --help has Examples`);
    const examples = text
      .slice(at + '\nExamples:\n'.length)
      .trimEnd()
      .split('\n');
    assert.ok(examples.length >= 3, `${command}: ${examples.length} examples`);
    for (const line of examples) assert.match(line, /^ {2}\$ /, `${command}: the Examples are last: ${line}`);
    const known = optionRows(text);
    const shorts = new Set([...known.values()].map((row) => /^(-\w),/.exec(row)?.[1]).filter(Boolean));
    for (const line of examples.filter((l) => l.includes(`fanout ${command}`))) {
      const words = line.slice(line.indexOf(`fanout ${command}`)).split(/\s+/);
      for (const word of words.slice(2)) {
        if (word === '|' || word === '>') break;
        if (/^--[\w-]+/.test(word))
          assert.ok(known.has(word.split('=')[0]!), `${command}: ${word} in "${line}"`);
        else if (/^-\w$/.test(word)) assert.ok(shorts.has(word), `${command}: ${word} in "${line}"`);
      }
    }
  }
});

test('-i, -q and --export work under every command that reads inputs; --task-export still does, with a warning', async () => {
  const inputs = file('numbers.ndjson', '1\n2\n');
  const compare = await runCli([
    'compare',
    SHAPE,
    '-i',
    inputs,
    '-q',
    '--json',
    '--export',
    'default',
    ...ONCE,
  ]);
  assert.equal(compare.code, 0, compare.stderr);
  assert.equal(compare.stderr, '');
  assert.equal(JSON.parse(compare.stdout).inputs, 2);

  const out = join(dir, 'numbers.out.ndjson');
  const run = await runCli(['run', SHAPE, '-i', inputs, '-o', out, '-q', '--task-export', 'default']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, 'fanout: --task-export is deprecated: use --export\n');
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 2);

  const advise = await runCli(['advise', SHAPE, '-i', inputs, '-q', '--export', 'nope']);
  assert.equal(advise.code, 2);
  assert.match(advise.stderr, /no export `nope`/);
  oneLine(advise.stderr);

  const both = await runCli(['compare', SHAPE, '-i', inputs, '--export', 'a', '--task-export', 'b']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--task-export and --export are the same option/);
});

test('one input rule for every command: a line holding an array is one input', async () => {
  const inputs = file('array.json', '[1, 2, 3]\n');
  const compare = await runCli(['compare', SHAPE, '-i', inputs, '--json', ...ONCE]);
  assert.equal(compare.code, 0, compare.stderr);
  const comparison = JSON.parse(compare.stdout);
  assert.equal(comparison.inputs, 1);

  const out = join(dir, 'array.out.ndjson');
  const run = await runCli(['run', SHAPE, '-i', inputs, '-o', out, '-q']);
  assert.equal(run.code, 0, run.stderr);
  const lines = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(lines, [{ index: 0, ok: true, value: 'array of 3' }]);

  // A JSON array over several lines is not NDJSON: the first bad line is named, with the rule.
  const spread = file('spread.json', '[\n  1,\n  2\n]\n');
  for (const command of ['compare', 'advise']) {
    const { code, stderr } = await runCli([command, SHAPE, '-i', spread]);
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /spread\.json: malformed JSON on line 1: .*\(inputs are NDJSON: one JSON value per line\)/,
    );
    oneLine(stderr);
  }
});

test('compare and advise refuse input that is not UTF-8, naming the line, as run does', async () => {
  const inputs = file(
    'latin1.ndjson',
    Buffer.concat([Buffer.from('"ok"\n"caf'), Buffer.from([0xe9]), Buffer.from('"\n')]),
  );
  for (const command of ['compare', 'advise']) {
    const { code, stderr } = await runCli([command, SHAPE, '-i', inputs]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /latin1\.ndjson: line 2 is not valid UTF-8 \(byte 5 of 6 is 0xe9\)/);
    oneLine(stderr);
  }
  const out = join(dir, 'latin1.out.ndjson');
  const run = await runCli(['run', SHAPE, '-i', inputs, '-o', out, '-q']);
  assert.equal(run.code, 1);
  assert.match(readFileSync(out, 'utf8'), /line 2 is not valid UTF-8 \(byte 5 of 6 is 0xe9\)/);
});

test('--max-memory says MiB, the unit Node counts its heap limit in', async () => {
  const row = optionRows(await help('run')).get('--max-memory');
  assert.match(row ?? '', /^--max-memory <MiB> .*in MiB \(1 MiB = 1,048,576 bytes\)/);
  assert.doesNotMatch(row ?? '', /\bMB\b/);
});

test('an unknown option sharing its words with one known option is pointed at it; with several, at none', () => {
  const known = ['--advisor-budget', '--max-memory', '--max-concurrency', '--in-flight', '--inputs'];
  assert.equal(sharingWords('--budget', known), '--advisor-budget');
  assert.equal(sharingWords('--advisor-budget', ['--budget', '--inputs']), '--budget');
  assert.equal(sharingWords('--flight', known), '--in-flight');
  assert.equal(sharingWords('--max', known), undefined, 'two options hold max');
  assert.equal(sharingWords('--output', known), undefined);
});
