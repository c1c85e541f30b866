/** `distributed`: the producer (the strategy) and the worker's side, through BullMQ on Redis. */
export { createDistributed } from './producer.js';
export { limitsKey, type RunLimits } from './protocol.js';
export {
  DEFAULT_WORKER_SETTINGS,
  type LocalJob,
  type QueueWorker,
  type QueueWorkerOptions,
  startQueueWorker,
} from './worker.js';
