/**
 * The reorder window of --ordered: results arrive in completion order and leave in input order.
 * At most `size` indices (from the oldest one not yet written) may be read ahead; when the window
 * is full, reading pauses until the oldest input completes. Memory is bounded by `size` lines.
 */
export class ReorderWindow {
  readonly size: number;
  readonly #emit: (line: string) => void;
  /** A line, SKIP (nothing to write: recorded by an earlier run), or undefined (still pending). */
  readonly #slots: (string | typeof SKIP | undefined)[];
  #head = 0;
  #held = 0;

  constructor(size: number, emit: (line: string) => void) {
    this.size = size;
    this.#emit = emit;
    this.#slots = new Array(size);
  }

  /** The oldest index not yet written. */
  get head(): number {
    return this.#head;
  }

  /** Lines waiting for an earlier input. */
  get held(): number {
    return this.#held;
  }

  /** Whether an input with this index may be read now. */
  accepts(index: number): boolean {
    return index - this.#head < this.size;
  }

  /** The line for `index`, or SKIP for an index with nothing to write; writes what is now in order. */
  put(index: number, line: string | typeof SKIP): void {
    if (!this.accepts(index) || index < this.#head)
      throw new RangeError(`index ${index} is outside the window`);
    this.#slots[index % this.size] = line;
    if (line !== SKIP) this.#held++;
    this.#advance();
  }

  /** An interrupted run: write everything held, in index order, leaving gaps where inputs never finished. */
  flushAll(): void {
    const end = this.#head + this.size;
    for (let index = this.#head; index < end && this.#held > 0; index++) {
      const slot = index % this.size;
      const line = this.#slots[slot];
      this.#slots[slot] = undefined;
      if (line !== undefined && line !== SKIP) {
        this.#held--;
        this.#emit(line);
      }
    }
    this.#head = end;
  }

  #advance(): void {
    for (let slot = this.#head % this.size; this.#slots[slot] !== undefined; slot = this.#head % this.size) {
      const line = this.#slots[slot]!;
      this.#slots[slot] = undefined;
      this.#head++;
      if (line !== SKIP) {
        this.#held--;
        this.#emit(line);
      }
    }
  }
}

export const SKIP: unique symbol = Symbol('skip');
