import type { WorkerInit } from '../protocol.js';
import { ConcurrentRunner } from './concurrent.js';
import type { Runner, RunnerPort } from './runner.js';
import { SerialRunner } from './serial.js';

/** One task at a time, or up to `inFlight` at once on the worker's event loop. */
export function createRunner(port: RunnerPort, init: WorkerInit): Runner {
  return init.inFlight > 1 ? new ConcurrentRunner(port, init) : new SerialRunner(port, init);
}
