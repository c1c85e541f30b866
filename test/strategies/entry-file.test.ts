// Workers start from the joined copy of their entry (scripts/join-worker-entries.mjs) when the build
// wrote one and it is not older than the entry; else from the entry itself. And a TaskLoadError made by
// another copy of errors.js (what the joined copy's loader meets from ts-loader.js) is still one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isTaskLoadError, SetupError, TaskLoadError } from '../../src/core/errors.js';
import { createExecutor } from '../../src/index.js';
import { joinedPath, modulesPath, pickEntry, workerEntry } from '../../src/strategies/pool/entry-file.js';

const STACK = new URL('../../../test/fixtures/entry/stack.mjs', import.meta.url);

describe('pickEntry', () => {
  /** An entry, and the list of the modules its joined copy holds: the entry and `runner.js`. */
  function entryPair(t: { after(fn: () => void): void }): { plain: string; joined: string; module: string } {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-entry-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const plain = join(dir, 'process-entry.js');
    const module = join(dir, 'runner.js');
    writeFileSync(plain, '');
    writeFileSync(module, '');
    writeFileSync(modulesPath(plain), JSON.stringify({ modules: ['./process-entry.js', './runner.js'] }));
    at(module, 1_000_000);
    return { plain, joined: joinedPath(plain), module };
  }
  const at = (file: string, seconds: number): void => utimesSync(file, seconds, seconds);

  test('the joined copy sits beside the entry', () => {
    assert.equal(joinedPath('/a/worker/process-entry.js'), '/a/worker/process-entry.joined.js');
  });

  test('no joined copy: the entry', (t) => {
    const { plain } = entryPair(t);
    assert.equal(pickEntry(plain), plain);
  });

  test('a joined copy newer than the entry, or as old (npm packs every file with one date): the copy', (t) => {
    const { plain, joined } = entryPair(t);
    writeFileSync(joined, '');
    at(plain, 1_000_000);
    at(joined, 1_000_001);
    assert.equal(pickEntry(plain), joined);
    at(joined, 1_000_000);
    assert.equal(pickEntry(plain), joined);
  });

  test('a joined copy older than the entry (tsc ran again without the join): the entry', (t) => {
    const { plain, joined } = entryPair(t);
    writeFileSync(joined, '');
    at(plain, 1_000_001);
    at(joined, 1_000_000);
    assert.equal(pickEntry(plain), plain);
  });

  test('a joined copy older than a module it joined (tsc rewrote it): the entry; as old: the copy', (t) => {
    const { plain, joined, module } = entryPair(t);
    writeFileSync(joined, '');
    at(plain, 1_000_000);
    at(joined, 1_000_001);
    at(module, 1_000_002);
    assert.equal(pickEntry(plain), plain);
    at(module, 1_000_001);
    assert.equal(pickEntry(plain), joined);
  });

  test('no list of the modules, or a module it lists is gone: the entry', (t) => {
    const { plain, joined, module } = entryPair(t);
    writeFileSync(joined, '');
    at(plain, 1_000_000);
    at(joined, 1_000_001);
    rmSync(module);
    assert.equal(pickEntry(plain), plain);
    rmSync(modulesPath(plain));
    assert.equal(pickEntry(plain), plain);
  });
});

describe('after `npm run build`', () => {
  test('both kinds of worker start from a joined copy', () => {
    assert.match(workerEntry('process-entry'), /[/\\]process-entry\.joined\.js$/);
    assert.match(workerEntry('thread-entry'), /[/\\]thread-entry\.joined\.js$/);
  });

  for (const strategy of ['threads', 'processes'] as const) {
    test(`${strategy}: the task is called from the joined copy`, async () => {
      const executor = createExecutor<void, string>({ task: STACK, strategy, concurrency: 1 });
      try {
        const stack = await executor.run(undefined);
        assert.match(stack, /-entry\.joined\.js:\d+:\d+/);
      } finally {
        await executor.close();
      }
    });
  }
});

describe('isTaskLoadError', () => {
  test('knows a TaskLoadError of another copy of errors.js by its code', async () => {
    const copy = (await import(
      new URL('../../src/core/errors.js?another-copy', import.meta.url).href
    )) as typeof import('../../src/core/errors.js');
    const foreign = new copy.TaskLoadError('task module t.ts is TypeScript and …');
    assert.equal(foreign instanceof TaskLoadError, false, 'the copy must have a class of its own');
    assert.equal(isTaskLoadError(foreign), true);
    assert.equal(isTaskLoadError(new TaskLoadError('x')), true);
  });

  test('and nothing else', () => {
    assert.equal(isTaskLoadError(new SetupError('x')), false);
    assert.equal(isTaskLoadError(new Error('ERR_FANOUT_TASK_LOAD')), false);
    assert.equal(isTaskLoadError({ code: 'ERR_FANOUT_TASK_LOAD' }), false);
    assert.equal(isTaskLoadError(undefined), false);
  });
});
