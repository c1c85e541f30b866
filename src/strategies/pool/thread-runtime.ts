import { Worker } from 'node:worker_threads';
import { serializeError } from '../../core/errors.js';
import { workerEntry } from './entry-file.js';
import { type DeathNote, isFanoutMessage, readRunning } from './protocol.js';
import type { Exit, Runtime, Transport, TransportHandlers, TransportOptions } from './transport.js';

function readNote(shared: SharedArrayBuffer | null): DeathNote | null {
  if (!shared) return null;
  return { running: readRunning(new Int32Array(shared)) };
}

export const threadRuntime: Runtime = {
  kind: 'thread',
  sharesMemory: true,
  assertCloneable: (value) => void structuredClone(value),
  start({ init, maxMemoryMb }: TransportOptions, handlers: TransportHandlers): Transport {
    const worker = new Worker(workerEntry('thread-entry'), {
      workerData: init,
      resourceLimits: maxMemoryMb === undefined ? undefined : { maxOldGenerationSizeMb: maxMemoryMb },
    });
    let error: Exit['error'];
    worker.on('message', (message) => {
      if (isFanoutMessage(message)) handlers.message(message);
    });
    worker.on('error', (err) => {
      error = serializeError(err);
    });
    worker.on('exit', (code) => {
      handlers.exit({ code, signal: null, error, note: readNote(init.shared) });
    });
    return {
      send: (message, transfer) => worker.postMessage(message, transfer),
      end: () => void worker.terminate(),
      terminate: () => void worker.terminate(),
      ref: () => worker.ref(),
      unref: () => worker.unref(),
    };
  },
};
