/**
 * Turns outcomes into result lines and hands them to the sink, through the reorder window under
 * --ordered; counts what it wrote. After `finish`, nothing more is written: an outcome that arrives
 * after an abort belongs to an input that already has its aborted line.
 */
import { ABORTED_CODE, errorLine, type FailureFields, INPUT_CODE, okLine } from './encode.js';
import { ReorderWindow, SKIP } from './reorder.js';
import type { LineSink } from './sink.js';

export class Recorder {
  readonly #sink: LineSink;
  readonly #window: ReorderWindow | undefined;
  #finished = false;
  ok = 0;
  failed = 0;
  aborted = 0;

  /** `orderWindow`: the --ordered window's size, or undefined for completion order. */
  constructor(sink: LineSink, orderWindow: number | undefined) {
    this.#sink = sink;
    this.#window =
      orderWindow === undefined ? undefined : new ReorderWindow(orderWindow, (line) => sink.write(line));
  }

  get recorded(): number {
    return this.ok + this.failed + this.aborted;
  }

  /** Whether the input with this index may be read now (the --ordered window has room for it). */
  accepts(index: number): boolean {
    return this.#window === undefined || this.#window.accepts(index);
  }

  /** The oldest index not yet written, under --ordered. */
  get head(): number | undefined {
    return this.#window?.head;
  }

  /** An index an earlier run recorded: nothing to write, but the window moves past it. */
  skip(index: number): void {
    this.#window?.put(index, SKIP);
  }

  value(index: number, value: unknown, attempts: number): void {
    const { line, ok } = okLine(index, value, attempts);
    if (this.#write(index, line)) {
      if (ok) this.ok++;
      else this.failed++;
    }
  }

  failure(index: number, failure: FailureFields, attempts: number): void {
    if (this.#write(index, errorLine(index, failure, attempts))) this.failed++;
  }

  malformed(index: number, message: string): void {
    this.failure(index, { name: 'InputError', message, code: INPUT_CODE }, 0);
  }

  abortedBy(index: number, reason: string, attempts: number): void {
    const message = `input ${index} was aborted by ${reason} before it finished`;
    if (this.#write(index, errorLine(index, { name: 'AbortError', message, code: ABORTED_CODE }, attempts))) {
      this.aborted++;
    }
  }

  /** Writes what the window holds (in order, around the gaps an interrupted run leaves) and closes the sink. */
  async finish(): Promise<void> {
    this.#finished = true;
    this.#window?.flushAll();
    await this.#sink.close();
  }

  #write(index: number, line: string): boolean {
    if (this.#finished) return false;
    if (this.#window) this.#window.put(index, line);
    else this.#sink.write(line);
    return true;
  }
}
