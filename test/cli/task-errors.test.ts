/**
 * A task module that cannot load: one line with file:line:col and the cause, under every command;
 * `--verbose` adds the user's stack (or the code frame), never fanout's frames.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-task-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const inputs = file('in.ndjson', '1\n2\n');
const syntax = file('syntax.mjs', 'const a = 1;\nexport default (x) => x +;\n');
file('helper.mjs', 'export const twice = (x) => {\n  return x *\n};\n');
const importer = file('importer.mjs', "import { twice } from './helper.mjs';\nexport default twice;\n");
const throws = file(
  'throws.mjs',
  "function readConfig() {\n  throw new Error('no config file');\n}\nreadConfig();\nexport default (x) => x;\n",
);
const typed = file('typed.ts', 'const a: number = ;\nexport default (x: number) => x;\n');
mkdirSync(join(dir, 'cjs'));
file('cjs/package.json', '{"type":"commonjs"}\n');
const commonjs = file('cjs/task.js', 'module.exports = (x) => x +;\n');

/** Each command, ending in its own arguments, so one case runs under compare, advise and run. */
const commands = (task: string): string[][] => [
  ['compare', task, '-i', inputs, '--strategies', 'threads', '--runs', '1', '--warmup', '0', '-q'],
  ['advise', task, '-i', inputs, '-q'],
  ['run', task, '-i', inputs, '-o', join(dir, 'out.ndjson'), '--strategy', 'processes', '-q'],
];

const cases: [string, string, RegExp][] = [
  [
    'a syntax error',
    syntax,
    /syntax\.mjs failed to load: \S*syntax\.mjs:2:26: SyntaxError: Unexpected token ';'$/,
  ],
  [
    'a syntax error in a module it imports',
    importer,
    /importer\.mjs failed to load: \S*helper\.mjs:3:1: SyntaxError: Unexpected token '}'$/,
  ],
  [
    'a throw while it loads',
    throws,
    /throws\.mjs failed to load: \S*throws\.mjs:2:9: Error: no config file$/,
  ],
  [
    'a TypeScript syntax error',
    typed,
    /typed\.ts failed to load: \S*typed\.ts:1:19: SyntaxError: Unexpected ";"$/,
  ],
  [
    'a CommonJS syntax error',
    commonjs,
    /task\.js failed to load: \S*task\.js:1:28: SyntaxError: Unexpected token ';'$/,
  ],
];

for (const [name, task, message] of cases) {
  test(`${name}: one line with file:line:col and the cause, under every command`, async () => {
    for (const args of commands(task)) {
      rmSync(join(dir, 'out.ndjson'), { force: true });
      const { code, stderr } = await runCli(args);
      assert.equal(code, 2, `${args[0]}: ${stderr}`);
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `${args[0]}: ${stderr}`);
      assert.match(lines[0]!, message, args[0]);
    }
  });
}

test('--verbose adds the code frame of a syntax error, and nothing of fanout', async () => {
  for (const args of commands(syntax)) {
    rmSync(join(dir, 'out.ndjson'), { force: true });
    const { code, stderr } = await runCli(['--verbose', ...args]);
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /syntax\.mjs:2\nexport default \(x\) => x \+;\n {25}\^\n\nSyntaxError: Unexpected token ';'\n$/,
    );
    assert.doesNotMatch(stderr, /\bat /, `${args[0]}: no stack frames at all`);
  }
});

test("--verbose adds the user's stack of a throw at load, without Node's or fanout's frames", async () => {
  for (const args of commands(throws)) {
    rmSync(join(dir, 'out.ndjson'), { force: true });
    const { code, stderr } = await runCli([...args, '--verbose']);
    assert.equal(code, 2, stderr);
    const [, ...stack] = stderr.trimEnd().split('\n');
    assert.deepEqual(
      stack.map((line) => line.replace(/\(?file:\/\/\S*\//, '').replace(/\)$/, '')),
      ['Error: no config file', '    at readConfig throws.mjs:2:9', '    at throws.mjs:4:1'],
      `${args[0]}: ${stderr}`,
    );
  }
});
