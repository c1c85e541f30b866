/**
 * What starting one worker process costs, from the plain entry and from its joined copy
 * (scripts/join-worker-entries.mjs), beside a bare `node -e 0`. Each start forks the entry as the
 * pool does, sends it a no-op task and times it until READY (its task loaded); the child's CPU to that
 * point is what it reports itself. Plain, joined and bare take turns in every round, so the machine's
 * load hits them alike: compare rows of one run only.
 *
 *   npm run build && node dist/bench/child-start.js [--starts 20] [--node-flag --max-old-space-size=512]
 *
 * `--node-flag` adds a flag to every child's command line, as the pool adds `--max-old-space-size` for
 * `maxMemoryMb`: a V8 flag costs a child Node's code cache (docs/performance.md).
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { Socket } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { joinedPath } from '../src/strategies/pool/entry-file.js';
import { INIT, POOL_ALIVE_FD, READY, STATS, TAG, type WorkerInit } from '../src/strategies/pool/protocol.js';
import { bareStart, extraCaCertsLine } from './bare-start.js';
import { describeMachine, machineLine } from './machine.js';
import { summarize } from './stats.js';

const PLAIN = fileURLToPath(new URL('../src/strategies/pool/worker/process-entry.js', import.meta.url));
const NOOP = new URL('../../test/fixtures/noop.mjs', import.meta.url).href;

interface Start {
  /** From fork to READY, in ms. */
  wallMs: number;
  /** The child's own CPU time until READY, in ms. */
  cpuMs: number;
}

/** Forks `entry` as the pool does and times it until its no-op task is loaded. */
function startOnce(entry: string, execArgv: string[]): Promise<Start> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child: ChildProcess = fork(entry, [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['inherit', 'inherit', 'inherit', 'ipc', 'pipe', 'pipe'],
    });
    let wallMs = 0;
    child.on('message', (message) => {
      const [, op, payload] = message as [string, number, { cpuUser: number; cpuSystem: number }];
      if (op === READY) {
        wallMs = performance.now() - t0;
        child.send([TAG, STATS]);
      } else if (op === STATS) {
        const cpuMs = (payload.cpuUser + payload.cpuSystem) / 1000;
        // The next start waits for this one's exit, so that no two overlap.
        child.once('exit', () => {
          const alive = (child.stdio as unknown as Socket[])[POOL_ALIVE_FD]!;
          alive.on('error', () => {}); // the watcher went with the child, as the pool allows
          alive.end('\n');
          resolve({ wallMs, cpuMs });
        });
        child.disconnect();
      } else {
        reject(new Error(`unexpected message ${JSON.stringify(message)}`));
      }
    });
    child.on('error', reject);
    const init: WorkerInit = {
      taskUrl: NOOP,
      exportName: 'default',
      workerId: 1,
      timeline: false,
      taskOptions: undefined,
      inFlight: 1,
      shared: null,
    };
    child.send([TAG, INIT, init]);
  });
}

const { values } = parseArgs({
  options: { starts: { type: 'string', default: '20' }, 'node-flag': { type: 'string', multiple: true } },
});
const starts = Number(values.starts);
const flags = values['node-flag'] ?? [];
const kinds: [string, () => Promise<Start>][] = [
  ['bare `node -e 0`', () => bareStart(flags)],
  ['plain entry (process-entry.js)', () => startOnce(PLAIN, flags)],
  ['joined entry (process-entry.joined.js)', () => startOnce(joinedPath(PLAIN), flags)],
];
const samples = kinds.map((): Start[] => []);
const loadBefore = loadavg()[0]!;
for (let i = 0; i < starts; i++) {
  for (const [k, [, once]] of kinds.entries()) samples[k]!.push(await once());
}
const cell = (values: number[]): string => {
  const s = summarize(values);
  return `${s.median.toFixed(1)} (${s.min.toFixed(1)} – ${s.max.toFixed(1)})`;
};
console.log(
  `${machineLine(describeMachine())}; load ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after; ` +
    `${extraCaCertsLine()}; flags: ${flags.join(' ') || 'none'}; ${starts} starts each, ` +
    'medians (min – max):',
);
console.log('| start | wall to READY (ms) | child CPU to READY (ms) |');
console.log('| --- | --- | --- |');
for (const [k, [label]] of kinds.entries()) {
  console.log(
    `| ${label} | ${cell(samples[k]!.map((s) => s.wallMs))} | ${cell(samples[k]!.map((s) => s.cpuMs))} |`,
  );
}
