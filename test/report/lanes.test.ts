import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packLanes } from '../../src/report/html/lanes.js';
import { random } from './synthetic.js';

function pack(intervals: [number, number][]): number[] {
  return [
    ...packLanes(
      intervals.map(([s]) => s),
      intervals.map(([, e]) => e),
    ).lane,
  ];
}

test('tasks one after another share one lane', () => {
  assert.deepEqual(
    pack([
      [0, 1],
      [1, 2],
      [2.5, 3],
    ]),
    [0, 0, 0],
  );
});

test('tasks running at once get a lane each', () => {
  assert.deepEqual(
    pack([
      [0, 10],
      [1, 10],
      [2, 10],
    ]),
    [0, 1, 2],
  );
});

test('the lowest-numbered free lane is reused, so lane 1 is the busiest', () => {
  // Lanes 0, 1 and 2 start busy; 0 and 2 free up first; the next task takes 0, the one after takes 2.
  assert.deepEqual(
    pack([
      [0, 5],
      [0, 9],
      [0, 4],
      [6, 8],
      [6, 7],
    ]),
    [0, 1, 2, 0, 2],
  );
});

test('tasks are placed in order of start, whatever the input order; lanes come back in the input order', () => {
  assert.deepEqual(
    pack([
      [5, 6],
      [0, 10],
      [1, 2],
    ]),
    [1, 0, 1],
  );
});

test('random intervals: no overlap within a lane, and lanes = the most in flight at once', () => {
  const rnd = random(7);
  for (let round = 0; round < 20; round++) {
    const intervals: [number, number][] = Array.from({ length: 300 }, () => {
      const start = Math.floor(rnd() * 1000);
      return [start, start + 1 + Math.floor(rnd() * 60)];
    });
    const { lane, lanes } = packLanes(
      intervals.map(([s]) => s),
      intervals.map(([, e]) => e),
    );
    const byLane = new Map<number, [number, number][]>();
    intervals.forEach((interval, i) => {
      const list = byLane.get(lane[i]!) ?? [];
      list.push(interval);
      byLane.set(lane[i]!, list);
    });
    for (const list of byLane.values()) {
      list.sort((a, b) => a[0] - b[0]);
      for (let k = 1; k < list.length; k++) assert.ok(list[k - 1]![1] <= list[k]![0], 'overlap in a lane');
    }
    let most = 0;
    for (const [at] of intervals) {
      // Tasks that hold a lane at instant `at`: started at or before it, not yet ended.
      const inFlight = intervals.filter(([s, e]) => s <= at && at < e).length;
      most = Math.max(most, inFlight);
    }
    assert.equal(lanes, Math.max(most, 1));
  }
});

test('no tasks, no lanes', () => {
  assert.deepEqual(packLanes([], []), { lane: new Uint32Array(0), lanes: 0, order: new Uint32Array(0) });
});
