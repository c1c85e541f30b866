// The entry of a worker thread: everything here runs inside the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { isFanoutMessage, type WorkerInit } from '../protocol.js';
import { createRunner } from './create-runner.js';

const port = parentPort!;
const runner = createRunner(
  {
    post: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (handler) =>
      port.on('message', (message) => {
        if (isFanoutMessage(message)) handler(message);
      }),
    assertCloneable: (value) => void structuredClone(value),
    // The pool terminates the thread once it has the CLOSED message.
    exit: () => {},
  },
  workerData as WorkerInit,
);
void runner.start();
