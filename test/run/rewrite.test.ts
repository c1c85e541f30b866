/**
 * The --resume rewrite (dropping aborted lines): through a symlink, with the file's mode, into a name no
 * one can plant, cleaned up after a kill, and on a full disk one line and the file as it was.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertOneLinePerInput, CLI, DOUBLE, readLines, runFanout, tempDir, writeInputs } from './helpers.js';

const COUNT = 10;

function okLine(index: number): string {
  return `{"index":${index},"ok":true,"value":${index * 2}}\n`;
}

function abortedLine(index: number): string {
  const message = `input ${index} was aborted by a second SIGINT before it finished`;
  return `{"index":${index},"ok":false,"error":{"name":"AbortError","message":"${message}","attempts":1,"code":"ERR_FANOUT_ABORTED"}}\n`;
}

/** An output a second signal interrupted: inputs 0–4 done, 5 aborted (so --resume rewrites the file). */
function interruptedOutput(): string {
  return `${[0, 1, 2, 3, 4].map(okLine).join('')}${abortedLine(5)}`;
}

function setUp(t: { after(fn: () => void): void }): { dir: string; inputs: string } {
  const dir = tempDir(t);
  const inputs = join(dir, 'in.ndjson');
  writeInputs(
    inputs,
    Array.from({ length: COUNT }, (_, n) => n),
  );
  return { dir, inputs };
}

function assertAllOk(path: string): void {
  for (const [index, line] of assertOneLinePerInput(readLines(path), COUNT)) {
    assert.deepEqual(line, { index, ok: true, value: index * 2 });
  }
}

test('--resume through a symlinked --out rewrites its target, keeps the link, and keeps a mode-600 file 600', async (t) => {
  const { dir, inputs } = setUp(t);
  const real = join(dir, 'real.ndjson');
  const link = join(dir, 'link.ndjson');
  writeFileSync(real, interruptedOutput());
  chmodSync(real, 0o600);
  symlinkSync(real, link);
  const run = await runFanout(t, [
    DOUBLE,
    '--inputs',
    inputs,
    '--out',
    link,
    '--resume',
    '--strategy',
    'async',
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /removed 1 aborted line to run again/);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assertAllOk(real);
  assert.equal(statSync(real).mode & 0o777, 0o600);
  assert.deepEqual(
    readdirSync(dir).filter((name) => /tmp/.test(name)),
    [],
    'no temporary file is left',
  );
});

test('the rewrite never follows a symlink planted at a temporary name (the old one was predictable)', async (t) => {
  const { dir, inputs } = setUp(t);
  const out = join(dir, 'out.ndjson');
  const victim = join(dir, 'victim.txt');
  writeFileSync(out, interruptedOutput());
  writeFileSync(victim, 'precious\n');
  // fanout's pid is the shell's (it execs), known before fanout starts: plant at the name the pid gives.
  const child = spawn(
    'sh',
    [
      '-c',
      'read go; exec "$0" "$@"',
      process.execPath,
      CLI,
      'run',
      DOUBLE,
      '--inputs',
      inputs,
      '--out',
      out,
      '--resume',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  t.after(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout!.resume();
  symlinkSync(victim, `${out}.resume-${child.pid}.tmp`);
  child.stdin!.end('go\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the planted link was not followed');
  assertAllOk(out);
});

test('temporary files a killed run left beside the output are removed by the next run', async (t) => {
  const { dir, inputs } = setUp(t);
  const out = join(dir, 'out.ndjson');
  writeFileSync(out, [0, 1, 2].map(okLine).join(''));
  // What a run killed in the middle of the rewrite leaves: this fanout's name, and the one before it.
  const left = [
    join(dir, '.out.ndjson.fanout-tmp.0123456789abcdef'),
    join(dir, 'out.ndjson.resume-4242.tmp'),
  ];
  for (const path of left) writeFileSync(path, okLine(0));
  const unrelated = join(dir, '.other.ndjson.fanout-tmp.0123456789abcdef');
  writeFileSync(unrelated, 'not this output’s\n');
  const run = await runFanout(t, [
    DOUBLE,
    '--inputs',
    inputs,
    '--out',
    out,
    '--resume',
    '--strategy',
    'async',
  ]);
  assert.equal(run.code, 0, run.stderr);
  for (const path of left) assert.ok(!existsSync(path), `${path} is gone`);
  assert.ok(existsSync(unrelated), 'another output’s temporary file is left alone');
  assertAllOk(out);
});

/** Whether this machine lets an unprivileged test mount a tmpfs of its own (a user and mount namespace). */
function canMountTmpfs(): boolean {
  const probe = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$(mktemp -d)"'], {
    stdio: 'ignore',
  });
  return probe.status === 0;
}

test('a full disk during the rewrite: one line, exit 2, the output as it was, no temporary file left', async (t) => {
  if (!canMountTmpfs()) {
    t.skip('needs unshare -rm and tmpfs to make a real full disk');
    return;
  }
  const { dir, inputs } = setUp(t);
  // About 600 KiB of results and an aborted line: the file fits on a 1 MiB disk, a copy of it does not.
  const padding = `${Array.from({ length: 5000 }, (_, i) => okLine(i % 5).replace('}\n', `,"pad":"${'x'.repeat(100)}"}\n`)).join('')}`;
  const original = `${padding}${interruptedOutput()}`;
  writeFileSync(join(dir, 'out.ndjson'), original);
  const disk = join(dir, 'disk');
  const script = [
    'mkdir "$D/disk"',
    'mount -t tmpfs -o size=1m tmpfs "$D/disk"',
    'cp "$D/out.ndjson" "$D/disk/out.ndjson"',
    '"$NODE" "$CLI" run "$TASK" --inputs "$IN" --out "$D/disk/out.ndjson" --resume 2>"$D/stderr"',
    'echo $? >"$D/code"',
    'cp "$D/disk/out.ndjson" "$D/after.ndjson"',
    'ls -A "$D/disk" >"$D/listing"',
  ].join('\n');
  const result = spawnSync('unshare', ['-rm', 'sh', '-c', script], {
    env: { ...process.env, D: dir, NODE: process.execPath, CLI, TASK: DOUBLE, IN: inputs, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  const stderr = readFileSync(join(dir, 'stderr'), 'utf8');
  assert.equal(readFileSync(join(dir, 'code'), 'utf8').trim(), '2', stderr);
  assert.match(
    stderr,
    /^fanout: cannot rewrite .*out\.ndjson without its aborted lines: ENOSPC: no space left on device, write; .*out\.ndjson is as it was\n$/,
  );
  assert.equal(readFileSync(join(dir, 'after.ndjson'), 'utf8'), original, 'nothing lost');
  const listing = readFileSync(join(dir, 'listing'), 'utf8').trim().split('\n');
  assert.ok(listing.includes('out.ndjson'), listing.join(', '));
  assert.deepEqual(
    listing.filter((name) => /tmp/.test(name)),
    [],
    'no temporary file is left',
  );

  assert.ok(!existsSync(join(disk, 'out.ndjson')), 'the disk was the namespace’s own');
});
