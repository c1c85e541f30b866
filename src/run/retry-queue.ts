/** Inputs waiting for their retry: a binary min-heap on the time each is due. */
export interface Waiting {
  index: number;
  value: unknown;
  attempts: number;
  due: number;
}

export class RetryQueue {
  readonly #heap: Waiting[] = [];

  get size(): number {
    return this.#heap.length;
  }

  /** When the next retry is due (ms, as `performance.now()`), or undefined when none waits. */
  nextDue(): number | undefined {
    return this.#heap[0]?.due;
  }

  push(item: Waiting): void {
    const heap = this.#heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.due <= item.due) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  /** The earliest retry if it is due at `now`. */
  popDue(now: number): Waiting | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined || top.due > now) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      while (true) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right]!.due < heap[left]!.due ? right : left;
        if (heap[child]!.due >= last.due) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Empties the queue (a stopped run does not retry), returning how many were waiting. */
  clear(): number {
    const count = this.#heap.length;
    this.#heap.length = 0;
    return count;
  }
}
