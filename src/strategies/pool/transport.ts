import type { SerializedError } from '../../core/errors.js';
import type { DeathNote, MainMessage, WorkerInit, WorkerMessage } from './protocol.js';

/** How a worker ended, as the pool sees it. */
export interface Exit {
  code: number | null;
  signal: string | null;
  /** An error the runtime reported (a thread's uncaught exception, out of memory). */
  error?: SerializedError;
  /** What the worker recorded about the job it was running, if it could. */
  note: DeathNote | null;
}

/** One worker as the pool drives it: a thread or a child process, behind the same few calls. */
export interface Transport {
  /** Throws (DataCloneError) when a value in the message cannot be sent. */
  send(message: MainMessage, transfer?: ArrayBuffer[]): void;
  /** Ends a worker that has said CLOSED: its teardown is done. */
  end(): void;
  /** Kills the worker now. */
  terminate(): void;
  ref(): void;
  unref(): void;
}

export interface TransportHandlers {
  message(message: WorkerMessage): void;
  exit(exit: Exit): void;
}

export interface TransportOptions {
  init: WorkerInit;
  maxMemoryMb: number | undefined;
}

export interface Runtime {
  readonly kind: 'thread' | 'process';
  /** Whether the runtime can share memory with its workers (threads can, processes cannot). */
  readonly sharesMemory: boolean;
  /** Throws when the value cannot be sent to this kind of worker. */
  assertCloneable(value: unknown): void;
  start(options: TransportOptions, handlers: TransportHandlers): Transport;
}
