import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import {
  createProgress,
  endLine,
  PLAIN_PROGRESS_INTERVAL_MS,
  stepLabel,
} from '../../src/cli/progress/index.js';
import type { ProgressEvent } from '../../src/measure/types.js';

function event(type: ProgressEvent['type'], done: number, extra: Partial<ProgressEvent> = {}): ProgressEvent {
  return {
    type,
    strategy: 'threads',
    name: 'threads',
    warmup: false,
    run: 2,
    runs: 3,
    done,
    total: 10,
    step: 6,
    steps: 12,
    ...extra,
  };
}

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return () => text;
}

test('labels and end lines', () => {
  assert.equal(stepLabel(event('start', 0)), 'threads    run 2/3');
  assert.equal(stepLabel(event('start', 0, { warmup: true, run: 1, runs: 1 })), 'threads    warm-up 1/1');
  assert.equal(
    endLine(event('end', 10, { wallMs: 1234, failed: 2 })),
    '[6/12] threads    run 2/3: 10 inputs in 1.23 s, 2 failed',
  );
});

test('quiet: no progress at all', () => {
  assert.equal(createProgress({ stream: new PassThrough(), quiet: true }), undefined);
});

test('not a terminal: one line per finished run, and a progress line at most every interval', async () => {
  const stream = new PassThrough();
  const text = collect(stream);
  let clock = 0;
  const progress = createProgress({ stream, tty: false, now: () => clock })!;
  progress.update(event('start', 0));
  progress.update(event('progress', 3));
  clock += PLAIN_PROGRESS_INTERVAL_MS;
  progress.update(event('progress', 6));
  clock += 1;
  progress.update(event('progress', 7));
  progress.update(event('end', 10, { wallMs: 50 }));
  progress.stop();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(text().trimEnd().split('\n'), [
    '[6/12] threads    run 2/3: 6/10 inputs',
    '[6/12] threads    run 2/3: 10 inputs in 50.0 ms',
  ]);
});

test('a terminal: a live bar with the step, cleared when done', async () => {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  const text = collect(stream);
  const progress = createProgress({ stream })!;
  progress.update(event('start', 0));
  progress.update(event('progress', 5));
  progress.update(event('end', 10, { wallMs: 50 }));
  progress.stop();
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(text(), /threads {4}run 2\/3 .* 10\/10 inputs {2}step 6\/12/);
});
