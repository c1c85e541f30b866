/** A FIFO queue with O(1) push, shift and unshift: a growable ring buffer. */
export class Deque<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = item;
    this.#length++;
  }

  unshift(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = item;
    this.#length++;
  }

  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#length--;
    return item;
  }

  /** Removes and returns the newest item. */
  pop(): T | undefined {
    if (this.#length === 0) return undefined;
    this.#length--;
    const at = (this.#head + this.#length) & (this.#items.length - 1);
    const item = this.#items[at];
    this.#items[at] = undefined;
    return item;
  }

  /** The item `i` places from the oldest, or undefined past the end. */
  at(i: number): T | undefined {
    return i < 0 || i >= this.#length ? undefined : this.#items[(this.#head + i) & (this.#items.length - 1)];
  }

  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#length; i++)
      yield this.#items[(this.#head + i) & (this.#items.length - 1)] as T;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #grow(): void {
    const old = this.#items;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = next;
    this.#head = 0;
  }
}
