/**
 * Reads input records ahead into a small buffer, so the feed takes them without an await per input
 * (every await between two submissions costs the pool a message), and so stopping never waits on a
 * slow source: `close()` wakes whoever waits and ends the reading.
 */
import { Deque } from '../core/deque.js';
import type { InputRecord } from './types.js';

/** Records read ahead of the feed. */
export const INPUT_BUFFER_SIZE = 1024;

export class InputBuffer {
  readonly #records = new Deque<InputRecord>();
  #exhausted = false;
  #closed = false;
  #error: unknown;
  #hasError = false;
  #wakeReader: (() => void) | undefined;
  #wakeTaker: (() => void) | undefined;

  constructor(source: AsyncIterable<InputRecord>) {
    void this.#read(source);
  }

  /** True once the source has ended, without an error, and every record was taken. */
  get drained(): boolean {
    return this.#exhausted && !this.#hasError && this.#records.length === 0;
  }

  /** The next record, if one is buffered; throws what the source threw once the buffer is empty. */
  take(): InputRecord | undefined {
    const record = this.#records.shift();
    if (record !== undefined) {
      if (this.#records.length <= INPUT_BUFFER_SIZE / 2) this.#wakeReader?.();
      return record;
    }
    if (this.#hasError) throw this.#error;
    return undefined;
  }

  /** Resolves when a record is buffered, the source has ended or failed, or the buffer was closed.
   * (A failed source is not `drained`: the next `take` throws its error.) */
  wait(): Promise<void> {
    if (this.#records.length > 0 || this.#exhausted || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wakeTaker = resolve;
    });
  }

  /** Stop reading (the run is stopping); the source is closed at its next record. */
  close(): void {
    this.#closed = true;
    this.#wake();
    this.#wakeReader?.();
  }

  async #read(source: AsyncIterable<InputRecord>): Promise<void> {
    try {
      for await (const record of source) {
        if (this.#closed) return;
        this.#records.push(record);
        this.#wake();
        if (this.#records.length >= INPUT_BUFFER_SIZE) {
          await new Promise<void>((resolve) => {
            this.#wakeReader = resolve;
          });
          this.#wakeReader = undefined;
          if (this.#closed) return;
        }
      }
    } catch (error) {
      this.#error = error;
      this.#hasError = true;
    }
    this.#exhausted = true;
    this.#wake();
  }

  #wake(): void {
    const wake = this.#wakeTaker;
    this.#wakeTaker = undefined;
    wake?.();
  }
}
