import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EncodedTimeline, encodeTimeline } from '../../src/report/html/encode.js';
import type { ReportTimelineEntry } from '../../src/report/html/index.js';
import { float32Column, uint32Column } from '../../src/report/html/shared.js';
import { simulate } from './synthetic.js';

interface Decoded {
  lane: number;
  worker: number;
  index: number;
  start: number;
  duration: number;
}

function decode(encoded: EncodedTimeline): Decoded[] {
  const start = float32Column(encoded.start);
  const duration = float32Column(encoded.duration);
  const index = uint32Column(encoded.index);
  const out: Decoded[] = [];
  for (let lane = 0; lane < encoded.laneLabel.length; lane++) {
    for (let i = encoded.laneStart[lane]!; i < encoded.laneStart[lane + 1]!; i++) {
      out.push({
        lane,
        worker: encoded.laneWorker[lane]!,
        index: index[i]!,
        start: start[i]!,
        duration: duration[i]!,
      });
    }
  }
  return out;
}

const T0 = 1_700_000_000_000;

test('threads: one lane per worker, in worker order, every task once', () => {
  const entries: ReportTimelineEntry[] = [
    { workerId: 2, index: 1, start: T0 + 1, end: T0 + 5 },
    { workerId: 1, index: 0, start: T0, end: T0 + 4 },
    { workerId: 1, index: 2, start: T0 + 4, end: T0 + 9.5 },
  ];
  const encoded = encodeTimeline('threads', entries)!;
  assert.deepEqual(encoded.laneLabel, ['worker 1', 'worker 2']);
  assert.deepEqual(encoded.laneWorker, [1, 2]);
  assert.deepEqual(encoded.laneStart, [0, 2, 3]);
  assert.equal(encoded.originMs, T0);
  assert.equal(encoded.spanMs, 9.5);
  assert.deepEqual(decode(encoded), [
    { lane: 0, worker: 1, index: 0, start: 0, duration: 4 },
    { lane: 0, worker: 1, index: 2, start: 4, duration: 5.5 },
    { lane: 1, worker: 2, index: 1, start: 1, duration: 4 },
  ]);
});

test('async: worker 0 is split into as many lanes as tasks were in flight', () => {
  const entries = simulate({ inputs: 500, slots: 16, workerOf: () => 0, durationMs: (i) => 5 + (i % 7) });
  const encoded = encodeTimeline('async', entries)!;
  assert.equal(encoded.laneLabel.length, 16);
  assert.equal(encoded.laneLabel[0], '#1');
  assert.equal(encoded.tasks, 500);
  const decoded = decode(encoded);
  assert.deepEqual(
    decoded.map((d) => d.index).sort((a, b) => a - b),
    entries.map((e) => e.index),
  );
  for (let k = 1; k < decoded.length; k++) {
    const [a, b] = [decoded[k - 1]!, decoded[k]!];
    if (a.lane === b.lane)
      assert.ok(a.start + a.duration <= b.start + 1e-3, 'lanes are sorted and never overlap');
  }
});

test('sequential: one lane named for the main thread; bad entries dropped or clamped', () => {
  const encoded = encodeTimeline('sequential', [
    { workerId: 0, index: 0, start: T0, end: T0 + 2 },
    { workerId: 0, index: 1, start: T0 + 3, end: T0 + 1 },
    { workerId: 0, index: -4, start: T0 + 4, end: T0 + 5 },
    { workerId: 0, index: 3, start: Number.NaN, end: T0 + 9 },
  ])!;
  assert.deepEqual(encoded.laneLabel, ['main thread']);
  assert.deepEqual(decode(encoded), [
    { lane: 0, worker: 0, index: 0, start: 0, duration: 2 },
    { lane: 0, worker: 0, index: 1, start: 3, duration: 0 },
    { lane: 0, worker: 0, index: 0xffffffff, start: 4, duration: 1 },
  ]);
});

test('a worker that ran tasks at once gets numbered sub-lanes', () => {
  const encoded = encodeTimeline('threads', [
    { workerId: 3, index: 0, start: T0, end: T0 + 10 },
    { workerId: 3, index: 1, start: T0 + 1, end: T0 + 2 },
  ])!;
  assert.deepEqual(encoded.laneLabel, ['worker 3 #1', 'worker 3 #2']);
});

test('nothing to draw gives null', () => {
  assert.equal(encodeTimeline('threads', []), null);
  assert.equal(encodeTimeline('threads', [{ workerId: 1, index: 0, start: Number.NaN, end: 1 }]), null);
});

test('100,000 tasks take 12 bytes each before base64, not an object each', () => {
  const entries = simulate({ inputs: 100_000, slots: 64, workerOf: () => 0, durationMs: (i) => 1 + (i % 5) });
  const encoded = encodeTimeline('async', entries)!;
  const size = JSON.stringify(encoded).length;
  assert.ok(size < 100_000 * 17, `encoded size ${size} bytes`);
  assert.equal(encoded.laneLabel.length, 64);
});
