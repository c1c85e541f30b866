/** Where each task goes, and how many lanes that took. */
export interface LanePacking {
  /** `lane[i]` is the lane of task `i` (in the caller's order), 0-based. */
  lane: Uint32Array;
  lanes: number;
  /** The tasks in order of start (ties: the caller's order): the order they were placed in. */
  order: Uint32Array;
}

/**
 * Greedy interval partitioning: tasks in order of start, each to the lowest-numbered lane that is free
 * when it starts (a task may start the instant another ended). Tasks in one lane never overlap, and the
 * number of lanes equals the most tasks in flight at once — so `async`'s concurrency shows as height.
 * O(n log n).
 */
export function packLanes(starts: ArrayLike<number>, ends: ArrayLike<number>): LanePacking {
  const count = starts.length;
  const order = startOrder(Float64Array.from(starts));

  const lane = new Uint32Array(count);
  const laneEnd: number[] = [];
  const busy = new MinHeap((a, b) => (laneEnd[a] ?? 0) - (laneEnd[b] ?? 0) || a - b);
  const free = new MinHeap((a, b) => a - b);

  for (const task of order) {
    const start = starts[task] ?? 0;
    while (busy.size > 0 && (laneEnd[busy.peek()] ?? 0) <= start) free.push(busy.pop());
    const chosen = free.size > 0 ? free.pop() : laneEnd.length;
    laneEnd[chosen] = Math.max(start, ends[task] ?? 0);
    lane[task] = chosen;
    busy.push(chosen);
  }
  return { lane, lanes: laneEnd.length, order };
}

/** Indices by start, then position; no sort at all when they come in that order already. */
function startOrder(starts: Float64Array): Uint32Array {
  const order = new Uint32Array(starts.length);
  let sorted = true;
  for (let i = 0; i < order.length; i++) {
    order[i] = i;
    if (i > 0 && starts[i - 1]! > starts[i]!) sorted = false;
  }
  if (!sorted) order.sort((a, b) => starts[a]! - starts[b]! || a - b);
  return order;
}

/** A binary min-heap of numbers under a comparator. */
class MinHeap {
  readonly #items: number[] = [];
  readonly #compare: (a: number, b: number) => number;

  constructor(compare: (a: number, b: number) => number) {
    this.#compare = compare;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): number {
    return this.#items[0] ?? -1;
  }

  push(value: number): void {
    const items = this.#items;
    items.push(value);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >>> 1;
      if (this.#compare(items[child]!, items[parent]!) >= 0) break;
      const swap = items[child]!;
      items[child] = items[parent]!;
      items[parent] = swap;
      child = parent;
    }
  }

  pop(): number {
    const items = this.#items;
    const top = items[0] ?? -1;
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let parent = 0;
      for (;;) {
        const left = parent * 2 + 1;
        const right = left + 1;
        let smallest = parent;
        if (left < items.length && this.#compare(items[left]!, items[smallest]!) < 0) smallest = left;
        if (right < items.length && this.#compare(items[right]!, items[smallest]!) < 0) smallest = right;
        if (smallest === parent) break;
        const swap = items[smallest]!;
        items[smallest] = items[parent]!;
        items[parent] = swap;
        parent = smallest;
      }
    }
    return top;
  }
}
