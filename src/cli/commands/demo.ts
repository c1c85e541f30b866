/**
 * `fanout demo`: the seed chapter, live, on the built-in defaults, with no network.
 */

import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDuration } from '../../core/units.js';
import { DEFAULT_DELAY_MS, DEMO_RUNS, DEMO_WARMUP, runDemo } from '../../demo/index.js';
import { cpuLessons, inShort, ioLessons } from '../../demo/lessons.js';
import { mixedLessons } from '../../demo/mixed-lessons.js';
import type { Comparison } from '../../measure/types.js';
import { writeHtmlReport } from '../../report/html/index.js';
import { comparisonSection, reportData } from '../../report/sections.js';
import { createStyle, type Style } from '../../report/style.js';
import { renderComparison } from '../../report/table.js';
import { DEFAULT_BODY_BYTES } from '../../workloads/request-plan.js';
import { EXIT_SOME_FAILED } from '../errors.js';
import { addOptions, helpEnd, type OptionSpec, withDefault } from '../option-kit.js';
import { OPTIONS } from '../options.js';
import { createProgress, type Progress } from '../progress/index.js';
import { parseMilliseconds } from '../strategy-options.js';
import { useColor } from '../style.js';

/** Where the demo writes its report unless told otherwise. */
export const DEFAULT_DEMO_REPORT = 'fanout-demo-report.html';

interface DemoFlags {
  seedSizes?: boolean;
  runs: number;
  warmup: number;
  delay: number;
  report: string | false;
  quiet?: boolean;
}

const SEED_SIZES: OptionSpec = {
  flags: '--seed-sizes',
  description:
    "run the seed's exact numbers for the CPU job instead of scaling them, and fetch-and-hash's default rounds",
};
const DELAY: OptionSpec<number> = {
  flags: '--delay <ms>',
  description: 'how long the embedded server takes to answer',
  default: String(DEFAULT_DELAY_MS),
  parse: (text) => parseMilliseconds('--delay', text),
};
const NO_REPORT: OptionSpec = { flags: '--no-report', description: 'write no HTML report' };

const EXAMPLES = helpEnd(
  `The I/O job GETs one ${DEFAULT_BODY_BYTES}-byte page 80 times from a server on 127.0.0.1 that answers
after --delay ms; the CPU job sums i*i below each of 20 numbers from 5,000,000, scaled up so the work
outweighs the cost of starting workers (--seed-sizes keeps the seed's numbers). The mixed job makes the
same 80 GETs and hashes each body (about 25 ms of CPU each; --seed-sizes keeps fetch-and-hash's
default rounds), under the four models and the hybrid: threads, one worker per core, several tasks in
flight on each. Nothing leaves this machine.`,
  [
    'fanout demo',
    'fanout demo --runs 3 --warmup 1 --report seed.html',
    'fanout demo --seed-sizes --no-report',
  ],
);

function printJob(c: Comparison, lessons: string[], style: Style, note?: string): void {
  const out = ['\n'];
  if (note) out.push(`${note}\n`);
  out.push(renderComparison(c, style), `\n${style.bold('Why:')}\n`);
  for (const line of lessons) out.push(`  ${line}\n`);
  process.stdout.write(out.join(''));
}

async function runDemoCommand(flags: DemoFlags): Promise<void> {
  const { runs, warmup, delay: delayMs } = flags;
  const style = createStyle(useColor(process.stdout));
  const cores = availableParallelism();
  process.stdout.write(
    `${style.bold('fanout demo')}: the seed chapter's two jobs under four models, and a mixed one under the ` +
      `hybrid too, on this machine ` +
      `(${cores} cores, Node ${process.version})\n`,
  );
  let progress: Progress | undefined;
  const result = await runDemo({
    seedSizes: flags.seedSizes,
    runs,
    warmup,
    delayMs,
    onStage: () => {
      progress?.stop();
      progress = createProgress({ stream: process.stderr, quiet: flags.quiet });
    },
    onProgress: (event) => progress?.update(event),
  }).finally(() => progress?.stop());

  const { io, cpu, mixed, mixedSetup, scale } = result;
  printJob(io, ioLessons(io), style);
  const note =
    scale.factor === 1
      ? undefined
      : `The seed's 20 numbers take ${formatDuration(scale.seedPassMs)} here in JavaScript, too little to outweigh ` +
        `starting workers: each is multiplied by ${scale.factor}. --seed-sizes runs them as they are.`;
  printJob(cpu, cpuLessons(cpu, cores), style, note);
  const choice = { busyShare: mixedSetup.busy.share, inFlight: mixedSetup.inFlight };
  const mixedNote =
    `The job the seed leaves out: each task waits like the I/O job's, then hashes the page ` +
    `(${formatDuration(mixedSetup.busy.cpuMsPerTask)} of CPU in ${formatDuration(mixedSetup.busy.wallMsPerTask)} ` +
    `per task, measured first). The last row is the hybrid: ${mixedSetup.workers} worker threads with ` +
    `${mixedSetup.inFlight} tasks in flight each.`;
  printJob(mixed, mixedLessons(mixed, cores, choice), style, mixedNote);
  const conclusion =
    `${inShort(io, cpu, mixed, cores)} Measure before choosing: "premature optimization is ` +
    'the root of all evil" (Knuth).';
  process.stdout.write(`\n${style.bold(IN_SHORT)} ${conclusion}\n`);

  if (flags.report !== false) {
    const file = resolve(flags.report);
    await writeHtmlReport(
      file,
      reportData(
        'fanout demo: the seed chapter, live',
        [
          comparisonSection(io, { lessons: ioLessons(io) }),
          comparisonSection(cpu, { lessons: cpuLessons(cpu, cores) }),
          comparisonSection(mixed, { lessons: [mixedNote, ...mixedLessons(mixed, cores, choice)] }),
        ],
        `${IN_SHORT} ${conclusion}`,
      ),
    );
    process.stdout.write(`\nReport: ${file}\n`);
  }
  if (io.failed + cpu.failed + mixed.failed > 0) process.exitCode = EXIT_SOME_FAILED;
}

/** The label of the demo's last line, in the terminal and the report. */
const IN_SHORT = 'In short:';

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .summary('the seed chapter, live: an I/O job, a CPU job and a mixed one under every model')
    .description(
      'Run the I/O-bound job (80 downloads from an embedded loopback server) and the CPU-bound job ' +
        '(exact sums of squares) under sequential, async, threads and processes, then the mixed job ' +
        '(the same downloads, each body hashed) under those four and the hybrid; print the comparison, ' +
        'which model won each job and why, and write an HTML report with every timeline.',
    );
  addOptions(
    command,
    SEED_SIZES,
    withDefault(OPTIONS.runs, String(DEMO_RUNS)),
    withDefault(OPTIONS.warmup, String(DEMO_WARMUP)),
    DELAY,
    withDefault(OPTIONS.report, DEFAULT_DEMO_REPORT),
    NO_REPORT,
    OPTIONS.quiet,
  );
  command.addHelpText('after', EXAMPLES).action((flags: DemoFlags) => runDemoCommand(flags));
}
