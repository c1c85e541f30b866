/** The runner as a library, with a real executor: windows, retries, resume sets, stop and abort. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createExecutor } from '../../src/index.js';
import { DoneSet } from '../../src/run/done-set.js';
import { type InputRecord, Job, type JobOptions } from '../../src/run/job.js';
import { inspectOutput } from '../../src/run/resume.js';
import { createSink, type LineSink } from '../../src/run/sink.js';
import { type ResultLine, tempDir } from './helpers.js';

const FAULTS = new URL('../../../test/fixtures/run/faults.mjs', import.meta.url);

class MemorySink implements LineSink {
  readonly lines: ResultLine[] = [];
  onLine: ((line: ResultLine) => void) | undefined;
  readonly blocked = false;
  write(line: string): void {
    const parsed = JSON.parse(line) as ResultLine;
    this.lines.push(parsed);
    this.onLine?.(parsed);
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  flush(): void {}
  async close(): Promise<void> {}
}

async function* records(values: unknown[]): AsyncGenerator<InputRecord> {
  for (let i = 0; i < values.length; i++) yield { line: i + 1, value: values[i] };
}

function makeJob(values: unknown[], options: Partial<JobOptions> & { concurrency?: number } = {}) {
  const executor = createExecutor({ task: FAULTS, strategy: 'async', concurrency: options.concurrency ?? 4 });
  const sink = new MemorySink();
  const job = new Job({
    executor,
    inputs: records(values),
    sink,
    retries: 0,
    ordered: false,
    done: new DoneSet(),
    ...options,
  });
  return { job, sink, executor };
}

test('a full --ordered window pauses reading until the oldest input is written', async () => {
  // Input 0 is slow, the rest instant; a window of 4 fills at once and must not deadlock.
  const values = Array.from({ length: 40 }, (_, n) => ({ n, do: 'slow', ms: n % 10 === 0 ? 50 : 0 }));
  const { job, sink, executor } = makeJob(values, { ordered: true, orderWindow: 4 });
  const result = await job.run();
  await executor.close();
  assert.equal(result.complete, true);
  assert.deepEqual(
    sink.lines.map((line) => line.index),
    values.map((_, i) => i),
  );
});

test('--ordered with retries: the window waits for the head to be retried', async (t) => {
  const dir = tempDir(t);
  const values = Array.from({ length: 20 }, (_, n) => ({ n, do: n === 0 || n === 7 ? 'flaky' : 'ok', dir }));
  const { job, sink, executor } = makeJob(values, { ordered: true, orderWindow: 3, retries: 1 });
  const result = await job.run();
  await executor.close();
  assert.equal(result.retried, 2);
  assert.deepEqual(
    sink.lines.map((line) => [line.index, line.value]),
    values.map((_, i) => [i, 2 * i]),
  );
});

test('indices in the done set are read past, in order too', async () => {
  const done = new DoneSet();
  for (const index of [0, 1, 5, 9]) done.add(index);
  const values = Array.from({ length: 10 }, (_, n) => n);
  const { job, sink, executor } = makeJob(values, { ordered: true, orderWindow: 2, done });
  const result = await job.run();
  await executor.close();
  assert.equal(result.skipped, 4);
  assert.deepEqual(
    sink.lines.map((line) => line.index),
    [2, 3, 4, 6, 7, 8],
  );
});

test('stop: reading ends, what is in flight is recorded, the rest stays for --resume', async () => {
  const values = Array.from({ length: 500 }, (_, n) => ({ n, do: 'slow', ms: 5 }));
  const { job, sink, executor } = makeJob(values);
  sink.onLine = (line) => {
    if (sink.lines.length === 10) job.stop(`test at ${line.index}`);
  };
  const result = await job.run();
  await executor.close();
  assert.equal(result.complete, false);
  assert.match(result.stoppedBy!, /^test at/);
  assert.ok(sink.lines.length >= 10 && sink.lines.length < 500);
  assert.equal(result.read, result.ok + result.unrecorded);
  assert.ok(sink.lines.every((line) => line.ok));
});

test('abort: in-flight inputs are recorded as aborted at once, without waiting for them', async () => {
  const values = Array.from({ length: 10 }, (_, n) => ({ n, do: n < 4 ? 'hang' : 'ok' }));
  const { job, sink, executor } = makeJob(values, { concurrency: 10 });
  sink.onLine = () => {
    if (sink.lines.length === 6) setImmediate(() => job.abort('the test'));
  };
  const result = await job.run();
  void executor.close();
  assert.equal(result.abortedBy, 'the test');
  assert.equal(result.aborted, 4);
  const aborted = sink.lines.filter((line) => line.error?.code === 'ERR_FANOUT_ABORTED');
  assert.deepEqual(aborted.map((line) => line.index).sort(), [0, 1, 2, 3]);
  assert.equal(
    aborted[0]!.error!.message,
    `input ${aborted[0]!.index} was aborted by the test before it finished`,
  );
});

test('inspectOutput: repairs a torn tail, drops aborted lines, counts what is recorded', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-resume-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'out.ndjson');
  writeFileSync(
    path,
    [
      '{"index":0,"ok":true,"value":1}',
      '{"index":1,"ok":false,"error":{"name":"AbortError","message":"m","attempts":1,"code":"ERR_FANOUT_ABORTED"}}',
      '{"index":2,"ok":false,"error":{"name":"E","message":"ERR_FANOUT_ABORTED","attempts":1}}',
      '{ "ok": true, "index": 3 }',
      '',
      '{"index":3,"ok":true}',
      '{"index":4,"ok":tr',
    ].join('\n'),
  );
  const state = await inspectOutput(path);
  assert.equal(state.tornBytes, '{"index":4,"ok":tr'.length);
  assert.equal(state.abortedRemoved, 1);
  assert.equal(state.duplicates, 1);
  assert.equal(state.ok, 2);
  assert.equal(state.failed, 1);
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((i) => state.done.has(i)),
    [true, false, true, true, false],
  );
  const text = readFileSync(path, 'utf8');
  assert.ok(!text.includes('AbortError'), 'the aborted line is gone');
  assert.ok(text.endsWith('{"index":3,"ok":true}\n'));
  assert.equal((await inspectOutput(join(dir, 'none.ndjson'))).existed, false);
});

test('a slow stream target applies backpressure and still gets every line', async () => {
  const received: string[] = [];
  const target = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk.toString());
      setTimeout(callback, 1);
    },
  });
  let job: Job | undefined;
  const sink = createSink(target, (error) => job?.fail(error));
  const values = Array.from({ length: 3000 }, (_, n) => n);
  const executor = createExecutor({ task: FAULTS, strategy: 'async' });
  job = new Job({ executor, inputs: records(values), sink, retries: 0, ordered: false, done: new DoneSet() });
  const result = await job.run();
  await executor.close();
  assert.equal(result.ok, 3000);
  const lines = received.join('').trim().split('\n');
  assert.equal(lines.length, 3000);
  assert.equal(new Set(lines.map((line) => (JSON.parse(line) as ResultLine).index)).size, 3000);
});

test('inputs that fail half-way end the run with that error, never as if they had ended', async () => {
  async function* failing(): AsyncGenerator<InputRecord> {
    for (let n = 0; n < 5; n++) yield { line: n + 1, value: n };
    throw new Error('EIO: the disk went away');
  }
  const executor = createExecutor({ task: FAULTS, strategy: 'async' });
  const sink = new MemorySink();
  const job = new Job({ executor, inputs: failing(), sink, retries: 0, ordered: false, done: new DoneSet() });
  const result = await job.run();
  await executor.close();
  assert.equal(result.fatal?.message, 'EIO: the disk went away');
  assert.equal(result.complete, false);
  assert.equal(sink.lines.length, 5);
});
