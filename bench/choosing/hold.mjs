// Holds its worker for a moment and says which worker it ran in (process id and thread id).
import { setTimeout as delay } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';

export default async () => {
  await delay(100);
  return `${process.pid}/${threadId}`;
};
