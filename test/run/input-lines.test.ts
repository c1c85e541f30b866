/** Input lines the reader must not choke on: too long, not UTF-8, a byte-order mark; and the splitter itself. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstInvalidUtf8, MAX_INPUT_LINE_BYTES, parseInputLines } from '../../src/run/lines.js';
import { assertOneLinePerInput, DOUBLE, readLines, runFanout, tempDir } from './helpers.js';

/** The line limit the CLI tests run under, so they need not write 64 MiB. */
const TEST_LIMIT = 1024;
const LIMIT_ENV = { FANOUT_MAX_INPUT_LINE_BYTES: String(TEST_LIMIT) };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function* chunks(...parts: (string | number[])[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : Buffer.from(part);
}

/** Records from these chunks, as [line, value or error]. */
async function parse(limit: number, ...parts: (string | number[])[]): Promise<[number, unknown][]> {
  const records = await collect(parseInputLines(chunks(...parts), limit));
  return records.map((record) => [record.line, 'value' in record ? record.value : `! ${record.error}`]);
}

test('parseInputLines: lines across chunks, CRLF split between chunks, blank lines, no trailing newline', async () => {
  // The default limit takes whole-chunk decoding; the tiny one checks line by line: both read the same.
  for (const limit of [MAX_INPUT_LINE_BYTES, 8]) {
    assert.deepEqual(await parse(limit, '1\r', '\n2', '2\n\n 3 \r\n4\n5\r\n', '\n', '66'), [
      [1, 1],
      [2, 22],
      [4, 3],
      [5, 4],
      [6, 5],
      [8, 66],
    ]);
  }
});

test('parseInputLines: a line over the limit is counted, not held, and the next line is whole', async () => {
  assert.deepEqual(await parse(4, '12', '3456', '78\n9\n', '"xxxxxxxxx"'), [
    [1, '! line 1 is 8 bytes long, over the limit of 4 bytes for one input line'],
    [2, 9],
    [3, '! line 3 is 11 bytes long, over the limit of 4 bytes for one input line'],
  ]);
  assert.deepEqual(await parse(4, '1\n"xxxxxxxxx"\n2\n'), [
    [1, 1],
    [2, '! line 2 is 11 bytes long, over the limit of 4 bytes for one input line'],
    [3, 2],
  ]);
});

test('firstInvalidUtf8 finds the first bad sequence, overlongs and surrogates included', () => {
  assert.equal(firstInvalidUtf8(Buffer.from('héllo €')), -1);
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xff])), 1);
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])), 1); // overlong NUL
  assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0); // a surrogate
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2); // cut short
  assert.equal(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0); // past U+10FFFF
});

test('parseInputLines: a BOM opens line 1 only; blank lines are not inputs', async () => {
  const records = await collect(
    parseInputLines(chunks([0xef, 0xbb], [0xbf, 0x31, 0x0a], ' \n', '\ufeff2\n')),
  );
  assert.deepEqual(records[0], { line: 1, value: 1 });
  assert.equal(records.length, 2);
  assert.match((records[1] as { error: string }).error, /malformed JSON on line 3/);
});

test('a line over the limit is its input’s InputError; the rest run, and --resume skips past it', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  const long = JSON.stringify('x'.repeat(5000));
  writeFileSync(inputs, ['1', '2', long, '4', '5', '6'].join('\n'));
  const args = [DOUBLE, '--inputs', inputs, '--out', out, '--ordered', '--strategy', 'async'];
  const run = await runFanout(t, args, { env: LIMIT_ENV });
  assert.equal(run.code, 1, run.stderr);
  const lines = assertOneLinePerInput(readLines(out), 6);
  assert.deepEqual(lines.get(2)!.error, {
    name: 'InputError',
    message: `line 3 is 5,002 bytes long, over the limit of 1,024 bytes for one input line`,
    attempts: 0,
    code: 'ERR_FANOUT_INPUT',
  });
  for (const index of [0, 1, 3, 4, 5]) assert.equal(lines.get(index)!.value, [1, 2, 0, 4, 5, 6][index]! * 2);

  // Leave the last two inputs unrecorded, as an interrupted run would: --resume reads past line 3 again.
  const text = readFileSync(out, 'utf8').split('\n');
  writeFileSync(out, `${text.slice(0, 4).join('\n')}\n`);
  const resumed = await runFanout(t, [...args, '--resume'], { env: LIMIT_ENV });
  assert.equal(resumed.code, 1, resumed.stderr);
  assertOneLinePerInput(readLines(out), 6);
});

test('a bad line limit override is a usage error naming the variable', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeFileSync(inputs, '1\n');
  const run = await runFanout(t, [DOUBLE, '--inputs', inputs, '--out', join(dir, 'out.ndjson')], {
    env: { FANOUT_MAX_INPUT_LINE_BYTES: '12kb' },
  });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /FANOUT_MAX_INPUT_LINE_BYTES must be a whole number from 1 to/);
});

test('invalid UTF-8 in a line is that input’s InputError; a BOM does not break line 1', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  const out = join(dir, 'out.ndjson');
  writeFileSync(
    inputs,
    Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('1\n"caf'),
      Buffer.from([0xe9]), // Latin-1 é: not UTF-8
      Buffer.from('"\n"café"\n3\n'),
    ]),
  );
  const run = await runFanout(t, [DOUBLE, '--inputs', inputs, '--out', out, '--strategy', 'async']);
  assert.equal(run.code, 1, run.stderr);
  const lines = assertOneLinePerInput(readLines(out), 4);
  assert.deepEqual(lines.get(0), { index: 0, ok: true, value: 2 });
  assert.deepEqual(lines.get(1)!.error, {
    name: 'InputError',
    message: 'line 2 is not valid UTF-8 (byte 5 of 6 is 0xe9)',
    attempts: 0,
    code: 'ERR_FANOUT_INPUT',
  });
  assert.equal(lines.get(2)!.ok, true, 'valid UTF-8 is read as it was');
  assert.deepEqual(lines.get(3), { index: 3, ok: true, value: 6 });
});
