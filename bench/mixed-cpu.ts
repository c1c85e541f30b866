/**
 * Where the workers' extra CPU goes on the demo's mixed job (issue 11): the demo's configurations
 * (sequential, async 80, threads and processes one worker per core, the hybrid threads 2×K) over the
 * demo's 80 GETs of a 50 ms loopback page, each then ~25 ms of SHA-256 rounds, measured as
 * `fanout compare` measures them (a fresh executor per run, start-up included). Prints wall and CPU
 * time per configuration, and CPU beyond async's (the same work on one thread).
 *
 *   npm run build && node dist/bench/mixed-cpu.js [--rounds 3] [--inputs 80] [--in-flight 7] [--against /work/main/dist]
 *
 * `--against DIR` measures another build's `dist` in the same rounds, alternating with this one, so
 * load from elsewhere falls on both alike; every comparison runs in a process of its own.
 */
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { calibrateRounds } from '../src/demo/mixed.js';
import { DEFAULT_BODY_BYTES } from '../src/workloads/request-plan.js';
import { runChild } from './child.js';
import { describeMachine, machineLine } from './machine.js';
import { markdownTable } from './table.js';

const SELF = fileURLToPath(import.meta.url);
const OWN_DIST = fileURLToPath(new URL('..', import.meta.url));
const DELAY_MS = 50;
const CPU_TARGET_MS = 25;

interface Row {
  name: string;
  wallMs: number;
  cpuMs: number;
}

/** The child: one comparison of the demo's mixed configurations with one build, as JSON. */
async function measure(dist: string, count: number, inFlight: number, rounds: number): Promise<Row[]> {
  const at = (path: string): string => pathToFileURL(`${dist}/src/${path}`).href;
  const { compareStrategies } = (await import(
    at('measure/compare.js')
  )) as typeof import('../src/measure/compare.js');
  const { startServer } = (await import(
    at('workloads/server.js')
  )) as typeof import('../src/workloads/server.js');
  const { WORKLOADS } = (await import(
    at('workloads/index.js')
  )) as typeof import('../src/workloads/index.js');
  const server = await startServer({ delay: DELAY_MS });
  try {
    const cores = 2;
    const comparison = await compareStrategies({
      task: WORKLOADS['fetch-and-hash'],
      inputs: Array.from({ length: count }, () => server.url),
      configurations: [
        { strategy: 'sequential' },
        { strategy: 'async', concurrency: count },
        { strategy: 'threads', concurrency: cores },
        { strategy: 'processes', concurrency: cores },
        { strategy: 'threads', concurrency: cores, inFlight },
      ],
      taskOptions: { rounds },
      runs: 3,
      warmup: 1,
    });
    return comparison.strategies.map((s) => ({
      name: s.name,
      wallMs: s.wallMs.median,
      cpuMs: s.cpuMs.median,
    }));
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      inputs: { type: 'string', default: '80' },
      'in-flight': { type: 'string', default: '7' },
      against: { type: 'string' },
    },
  });
  const builds = [OWN_DIST.replace(/\/$/, ''), ...(values.against ? [values.against] : [])];
  const results = new Map<string, Row[][]>(builds.map((b) => [b, []]));
  // Calibrated once, here, as the demo does (about CPU_TARGET_MS of CPU a task), so that every build
  // and round hashes the same rounds.
  const { rounds } = calibrateRounds(Buffer.alloc(DEFAULT_BODY_BYTES, 'x'), CPU_TARGET_MS);
  const loadBefore = loadavg()[0]!;
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const build of round % 2 === 1 ? builds : [...builds].reverse()) {
      process.stderr.write(`bench: round ${round}, ${build}…\n`);
      const result = await runChild<Row[]>(process.execPath, [
        SELF,
        'child',
        build,
        values.inputs!,
        values['in-flight']!,
        String(rounds),
      ]);
      if (result.ok) results.get(build)!.push(result.value!);
      else process.stderr.write(`bench: ${build} failed: ${result.error}\n`);
    }
  }
  console.log(
    `Machine: ${machineLine(describeMachine())}; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after.`,
  );
  console.log(
    `The demo's mixed job: ${values.inputs} GETs of a ${DELAY_MS} ms loopback page, each then ~${CPU_TARGET_MS} ms of SHA-256; ` +
      'each cell: the median of 3 runs of one comparison (start-up included), one per round.',
  );
  const body: string[][] = [];
  for (const [build, rounds] of results) {
    if (rounds.length === 0) continue;
    for (const [i, row] of rounds[0]!.entries()) {
      const cells = rounds.map((r) => r[i]!);
      const asyncCpu = rounds.map((r) => r[1]!.cpuMs);
      body.push([
        build === builds[0] ? 'this' : build,
        row.name,
        cells.map((c) => (c.wallMs / 1000).toFixed(2)).join(' · '),
        cells.map((c) => (c.cpuMs / 1000).toFixed(2)).join(' · '),
        cells.map((c, k) => ((c.cpuMs - asyncCpu[k]!) / 1000).toFixed(2)).join(' · '),
      ]);
    }
  }
  console.log(
    markdownTable(
      ['build', 'configuration', 'wall (s), per round', 'CPU (s), per round', 'CPU beyond async (s)'],
      body,
    ),
  );
}

const [command, dist, count, inFlight, rounds] = process.argv.slice(2);
if (command === 'child') {
  console.log(JSON.stringify(await measure(dist!, Number(count), Number(inFlight), Number(rounds))));
} else {
  await main();
}
