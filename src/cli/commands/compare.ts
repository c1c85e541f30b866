/**
 * `fanout compare <task> --inputs <file|->`: the task measured under each strategy, side by side.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { StrategyName } from '../../core/options.js';
import { compareStrategies } from '../../measure/compare.js';
import type { Configuration, Sweep } from '../../measure/configuration.js';
import type { Comparison } from '../../measure/types.js';
import { renderCsv } from '../../report/csv.js';
import { writeHtmlReport } from '../../report/html/index.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import { comparisonSection, reportData } from '../../report/sections.js';
import { createStyle } from '../../report/style.js';
import { renderComparison } from '../../report/table.js';
import {
  type ConcurrencyItem,
  configurationsFor,
  parseConcurrencyItems,
  parseSweep,
} from '../configurations.js';
import { CliError, EXIT_SOME_FAILED } from '../errors.js';
import { readAllInputs } from '../inputs.js';
import { addOptions, helpEnd, type OptionSpec } from '../option-kit.js';
import { INPUTS_RULE, OPTIONS, outputFile } from '../options.js';
import { createProgress } from '../progress/index.js';
import { useColor } from '../style.js';
import { resolveTaskArgument, TASK_ARGUMENT } from '../task-arg.js';

interface CompareFlags {
  inputs: string;
  redis?: string;
  strategies: StrategyName[];
  concurrency?: ConcurrencyItem[];
  sweep?: Sweep;
  runs: number;
  warmup: number;
  export: string;
  timeout?: number;
  exportJson?: string;
  exportMarkdown?: string;
  exportCsv?: string;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

const EXAMPLES = helpEnd(
  `Inputs are ${INPUTS_RULE}.
Each run starts fresh workers, so wall time includes their start-up, as a one-off job pays it.
Concurrency: N is workers for threads and processes, tasks in flight for async; NxK is N workers with
K tasks in flight each (threads and processes: the hybrid). adaptive (adaptive:MIN-MAX) in place of
the number that moves measures a limit that moves while the job runs: async=adaptive, threads=2xadaptive.
A strategy named twice is measured twice.
A --sweep range A..B doubles from A and ends at B (1..8: 1, 2, 4, 8); A..B+S steps by S; ,adaptive
after it adds an adaptive row.
Exit codes: 0 every input succeeded, 1 some inputs failed (the table is still printed), 2 bad usage,
inputs or task module. See docs/compare.md for what each column measures.`,
  [
    'fanout compare ./task.js --inputs inputs.ndjson',
    'fanout compare sum-of-squares --inputs sizes.ndjson --strategies sequential,threads --runs 5',
    'fanout compare ./task.ts -i urls.ndjson -s async,threads --concurrency async=64,threads=4',
    'fanout compare fetch-and-hash -i urls.ndjson -s async,threads -c async=64,threads=2,threads=2x16',
    'fanout compare fetch-and-hash -i urls.ndjson --sweep threads=2x1..64',
    'fanout compare download -i urls.ndjson -s async,threads -c async=16,async=adaptive,threads=2xadaptive:1-64',
    'fanout compare download -i urls.ndjson --sweep async=1..256,adaptive',
    'seq 30 35 | fanout compare ./fib.mjs --inputs - --runs 5 --warmup 2',
    'fanout compare ./task.js -i inputs.ndjson --export-json out.json --export-markdown out.md -q',
    'fanout compare ./task.js -i inputs.ndjson --redis "$REDIS_URL"   # and distributed, on the fanout workers there',
  ],
);

const EXPORT_JSON: OptionSpec<string> = {
  flags: '--export-json <file>',
  description: 'write every run and every timeline as JSON',
  parse: outputFile('--export-json'),
};
const EXPORT_CSV: OptionSpec<string> = {
  flags: '--export-csv <file>',
  description: 'write one row per configuration as CSV (seconds, bytes, tasks/s)',
  parse: outputFile('--export-csv'),
};
const EXPORT_MARKDOWN: OptionSpec<string> = {
  flags: '--export-markdown <file>',
  description: 'write the table as Markdown',
  parse: outputFile('--export-markdown'),
};

/**
 * compare's --concurrency: the shared option's spelling and help, parsed into configurations: it also
 * takes NxK for the hybrid, adaptive in place of the number that moves, and a strategy named twice
 * (the help's notes say so).
 */
const CONCURRENCY: OptionSpec<ConcurrencyItem[]> = { ...OPTIONS.concurrency, parse: parseConcurrencyItems };
const SWEEP: OptionSpec<Sweep> = {
  flags: '--sweep <strategy=A..B>',
  description:
    'one strategy over a range of levels, then throughput against level (threads=1..8, threads=2x1..64; ' +
    'async=1..256,adaptive adds an adaptive row), instead of --strategies and --concurrency',
  parse: parseSweep,
};

/** The configurations from --strategies and --concurrency, or a sweep: never both. */
function whatToMeasure(
  flags: CompareFlags,
  strategiesGiven: boolean,
): { configurations: Configuration[]; sweep?: undefined } | { sweep: Sweep; configurations?: undefined } {
  if (flags.sweep !== undefined) {
    if (strategiesGiven || flags.concurrency !== undefined) {
      throw new CliError(
        '--sweep: measures one strategy at its own levels; leave out --strategies and --concurrency',
      );
    }
    return { sweep: flags.sweep };
  }
  return { configurations: configurationsFor(flags.strategies, flags.concurrency) };
}

function writeExport(file: string | undefined, render: (c: Comparison) => string, c: Comparison): void {
  if (file !== undefined) writeFileSync(file, render(c));
}

/**
 * `--redis` adds `distributed` to the strategies measured (last), unless they name it already (then it
 * runs where they name it); naming distributed without `--redis` is refused in one line.
 */
function withDistributed(flags: CompareFlags): CompareFlags {
  const named = flags.strategies.includes('distributed') || flags.sweep?.strategy === 'distributed';
  if (named && flags.redis === undefined) {
    throw new CliError(
      '--strategies: distributed needs --redis <url>, the Redis its `fanout worker`s listen on (see docs/distributed.md)',
    );
  }
  if (flags.redis === undefined || named || flags.sweep) return flags;
  return { ...flags, strategies: [...flags.strategies, 'distributed'] };
}

async function runCompare(task: string, given: CompareFlags, strategiesGiven: boolean): Promise<void> {
  const flags = withDistributed(given);
  const measured = whatToMeasure(flags, strategiesGiven);
  const { runs, warmup, timeout } = flags;
  const inputs = await readAllInputs(flags.inputs);

  const progress = createProgress({ stream: process.stderr, quiet: flags.quiet || flags.json });
  let comparison: Comparison;
  try {
    comparison = await compareStrategies({
      task: resolveTaskArgument(task),
      label: task,
      inputs,
      ...measured,
      runs,
      warmup,
      export: flags.export,
      timeout,
      ...(flags.redis === undefined ? {} : { connection: flags.redis }),
      onProgress: (event) => progress?.update(event),
    });
  } finally {
    progress?.stop();
  }
  if (flags.json) process.stdout.write(renderJson(comparison));
  else process.stdout.write(renderComparison(comparison, createStyle(useColor(process.stdout))));
  writeExport(flags.exportJson, renderJson, comparison);
  writeExport(flags.exportMarkdown, renderMarkdown, comparison);
  writeExport(flags.exportCsv, renderCsv, comparison);
  if (flags.report !== undefined) {
    await writeHtmlReport(
      flags.report,
      reportData(`fanout compare: ${task}`, [comparisonSection(comparison)]),
    );
    if (!flags.json) process.stdout.write(`\nReport: ${resolve(flags.report)}\n`);
  }
  if (comparison.failed > 0) process.exitCode = EXIT_SOME_FAILED;
}

export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .summary('measure a task under each strategy, side by side')
    .description(
      'Run <task> over every input under each strategy (warm-up runs, then measured runs) and print ' +
        'wall time, CPU time, peak memory, throughput, speed-up and efficiency against sequential.',
    )
    .argument('<task>', TASK_ARGUMENT);
  addOptions(
    command,
    OPTIONS.inputs,
    OPTIONS.strategies,
    CONCURRENCY,
    SWEEP,
    OPTIONS.runs,
    OPTIONS.warmup,
    OPTIONS.export,
    OPTIONS.timeout,
    OPTIONS.redis,
    OPTIONS.json,
    EXPORT_JSON,
    EXPORT_MARKDOWN,
    EXPORT_CSV,
    OPTIONS.report,
    OPTIONS.quiet,
  );
  command
    .addHelpText('after', EXAMPLES)
    .action((task: string, flags: CompareFlags, self: Command) =>
      runCompare(task, flags, self.getOptionValueSource('strategies') === 'cli'),
    );
}
