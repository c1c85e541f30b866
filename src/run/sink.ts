/**
 * Where result lines go: a file (appended to, fsync'd at the end) or a stream (stdout).
 * Lines are buffered and handed to the OS in batches: when FLUSH_MAX_LINES lines or FLUSH_MAX_BYTES
 * are waiting, and at least every FLUSH_INTERVAL_MS. A crash of fanout loses at most one batch,
 * whose inputs --resume then runs again.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** A batch is written once this many lines wait… */
export const FLUSH_MAX_LINES = 1000;
/** …or this many characters… */
export const FLUSH_MAX_BYTES = 1 << 20;
/** …or this long after the first of them completed, in ms. */
export const FLUSH_INTERVAL_MS = 100;

export interface LineSink {
  /** Adds one line (without its newline). */
  write(line: string): void;
  /** True while a stream target asks the writer to wait (backpressure). */
  readonly blocked: boolean;
  /** Resolves when the target can take more. */
  drained(): Promise<void>;
  /** Hands every buffered line to the OS now. */
  flush(): void;
  /** Flushes, syncs a file to disk, and releases the target. */
  close(): Promise<void>;
}

/** Called once when the target fails (disk full, a closed pipe): the run must stop. */
export type SinkErrorHandler = (error: Error) => void;

abstract class BufferedSink implements LineSink {
  #lines: string[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #failed = false;
  readonly #onError: SinkErrorHandler;

  constructor(onError: SinkErrorHandler) {
    this.#onError = onError;
  }

  abstract get blocked(): boolean;
  abstract drained(): Promise<void>;
  protected abstract writeChunk(chunk: string): void;
  protected abstract release(): Promise<void>;

  write(line: string): void {
    if (this.#failed) return;
    this.#lines.push(line);
    this.#bytes += line.length + 1;
    if (this.#lines.length >= FLUSH_MAX_LINES || this.#bytes >= FLUSH_MAX_BYTES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0 || this.#failed) return;
    const chunk = `${this.#lines.join('\n')}\n`;
    this.#lines = [];
    this.#bytes = 0;
    try {
      this.writeChunk(chunk);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  async close(): Promise<void> {
    this.flush();
    await this.release();
  }

  protected fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#lines = [];
    this.#onError(error);
  }
}

class FileSink extends BufferedSink {
  readonly #path: string;
  readonly #sync: boolean;
  #fd: number | undefined;

  constructor(path: string, onError: SinkErrorHandler, sync: boolean) {
    super(onError);
    this.#path = path;
    this.#sync = sync;
    // Append: a fresh run starts from an empty file, a resumed one adds to what is there.
    this.#fd = openSync(path, 'a');
  }

  get blocked(): boolean {
    return false;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  protected writeChunk(chunk: string): void {
    if (this.#fd === undefined) return;
    const bytes = Buffer.from(chunk);
    try {
      // write(2) may take less than asked: loop until the whole batch is in.
      for (let done = 0; done < bytes.length; ) done += writeSync(this.#fd, bytes, done);
    } catch (error) {
      throw new Error(`cannot write ${this.#path}: ${(error as Error).message}`, { cause: error });
    }
  }

  protected async release(): Promise<void> {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      if (this.#sync) fsyncSync(fd);
    } catch (error) {
      this.fail(new Error(`cannot sync ${this.#path} to disk: ${(error as Error).message}`));
    } finally {
      closeSync(fd);
    }
  }
}

class StreamSink extends BufferedSink {
  readonly #stream: Writable;
  readonly #end: boolean;
  #blocked = false;
  #waiters: (() => void)[] = [];

  constructor(stream: Writable, onError: SinkErrorHandler, end: boolean) {
    super(onError);
    this.#stream = stream;
    this.#end = end;
    stream.on('error', (error) => {
      this.fail(error);
      this.#wake();
    });
  }

  get blocked(): boolean {
    return this.#blocked;
  }

  drained(): Promise<void> {
    if (!this.#blocked) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  protected writeChunk(chunk: string): void {
    if (this.#stream.destroyed) return;
    if (!this.#stream.write(chunk) && !this.#blocked) {
      this.#blocked = true;
      this.#stream.once('drain', () => this.#wake());
    }
  }

  /**
   * Waits until everything written has left the process, so exiting right after loses nothing; ends a
   * stream the sink owns (a FIFO: its reader then sees the end).
   */
  protected release(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stream.destroyed) return resolve();
      if (this.#end) {
        this.#stream.once('close', () => resolve());
        this.#stream.end();
        return;
      }
      if (this.#stream.writableLength === 0) return resolve();
      this.#stream.write('', () => resolve());
    });
  }

  #wake(): void {
    this.#blocked = false;
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

export interface SinkOptions {
  /** A path: fsync it at the end (not a device such as /dev/null, which cannot be synced). @default true */
  sync?: boolean;
  /** A stream: end it at the end (a stream the run opened itself, such as a FIFO). @default false */
  end?: boolean;
}

/** A sink for a file path (appended to) or a writable stream (ended only when `end` says so). */
export function createSink(
  target: string | Writable,
  onError: SinkErrorHandler,
  options: SinkOptions = {},
): LineSink {
  return typeof target === 'string'
    ? new FileSink(target, onError, options.sync ?? true)
    : new StreamSink(target, onError, options.end ?? false);
}
