/**
 * Preloaded with `node --import` by bench/run-scale: when a process ends, it appends its peak RSS to
 * the file named by FANOUT_PEAK_RSS_FILE. Child worker processes inherit the flag, so each reports
 * its own; worker threads share their process's figure.
 */
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.FANOUT_PEAK_RSS_FILE;
if (file !== undefined && isMainThread) {
  process.on('exit', () => {
    const role = process.send === undefined ? 'main' : 'worker';
    appendFileSync(file, `${role} ${process.pid} ${process.resourceUsage().maxRSS}\n`);
  });
}
