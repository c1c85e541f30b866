/**
 * `fanout compare <task> --inputs <file|->`: the task measured under each strategy, side by side.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { LOCAL_STRATEGIES } from '../../core/options.js';
import { compareStrategies, DEFAULT_RUNS, DEFAULT_WARMUP } from '../../measure/compare.js';
import type { Comparison } from '../../measure/types.js';
import { writeHtmlReport } from '../../report/html/index.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import { comparisonSection, reportData } from '../../report/sections.js';
import { createStyle } from '../../report/style.js';
import { renderComparison } from '../../report/table.js';
import { CliError, EXIT_SOME_FAILED } from '../errors.js';
import { readAllInputs } from '../inputs.js';
import { createProgress } from '../progress/index.js';
import { parseConcurrency, parseCount, parseMilliseconds, parseStrategies } from '../strategy-options.js';
import { useColor } from '../style.js';
import { resolveTaskArgument } from '../task-arg.js';

interface CompareFlags {
  inputs: string;
  strategies: string;
  concurrency?: string;
  runs: string;
  warmup: string;
  taskExport: string;
  timeout?: string;
  exportJson?: string;
  exportMarkdown?: string;
  report?: string;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ fanout compare ./task.js --inputs inputs.ndjson
  $ fanout compare ./task.ts --inputs urls.json --strategies async,threads --concurrency async=64,threads=4
  $ seq 30 35 | fanout compare ./fib.mjs --inputs - --runs 5 --warmup 2
  $ fanout compare ./task.js -i inputs.ndjson --export-json out.json --export-markdown out.md --quiet

Inputs are NDJSON (one JSON value per line) or one JSON array. Each run starts fresh workers, so
wall time includes their start-up, as a one-off job pays it. Exit codes: 0 every input succeeded,
1 some inputs failed (the table is still printed), 2 bad usage, inputs or task module.
See docs/compare.md for what each column measures.`;

/** An export file's directory must exist before minutes of measuring, not after. */
function checkExportPath(option: string, file: string | undefined): void {
  if (file === undefined) return;
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`${option}: directory not found: ${dir}`);
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new CliError(`${option}: expected a file, got a directory: ${file}`);
  }
}

function writeExport(file: string | undefined, render: (c: Comparison) => string, c: Comparison): void {
  if (file !== undefined) writeFileSync(file, render(c));
}

async function runCompare(task: string, flags: CompareFlags): Promise<void> {
  const strategies = parseStrategies(flags.strategies);
  const concurrency = flags.concurrency === undefined ? undefined : parseConcurrency(flags.concurrency);
  const runs = parseCount('--runs', flags.runs, 1);
  const warmup = parseCount('--warmup', flags.warmup, 0);
  const timeout = flags.timeout === undefined ? undefined : parseMilliseconds('--timeout', flags.timeout);
  checkExportPath('--export-json', flags.exportJson);
  checkExportPath('--export-markdown', flags.exportMarkdown);
  checkExportPath('--report', flags.report);
  const inputs = await readAllInputs(flags.inputs);

  const progress = createProgress({ stream: process.stderr, quiet: flags.quiet });
  let comparison: Comparison;
  try {
    comparison = await compareStrategies({
      task: resolveTaskArgument(task),
      label: task,
      inputs,
      strategies,
      concurrency,
      runs,
      warmup,
      export: flags.taskExport,
      timeout,
      onProgress: (event) => progress?.update(event),
    });
  } finally {
    progress?.stop();
  }
  process.stdout.write(renderComparison(comparison, createStyle(useColor(process.stdout))));
  writeExport(flags.exportJson, renderJson, comparison);
  writeExport(flags.exportMarkdown, renderMarkdown, comparison);
  if (flags.report !== undefined) {
    await writeHtmlReport(
      flags.report,
      reportData(`fanout compare: ${task}`, [comparisonSection(comparison)]),
    );
    process.stdout.write(`\nReport: ${resolve(flags.report)}\n`);
  }
  if (comparison.failed > 0) process.exitCode = EXIT_SOME_FAILED;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .summary('measure a task under each strategy, side by side')
    .description(
      'Run <task> over every input under each strategy (warm-up runs, then measured runs) and print ' +
        'wall time, CPU time, peak memory, throughput, speed-up and efficiency against sequential.',
    )
    .argument(
      '<task>',
      'the task module (.js, .mjs or .ts), or a built-in workload: download, sum-of-squares',
    )
    .requiredOption('-i, --inputs <file|->', 'the inputs: NDJSON or a JSON array; - reads stdin')
    .option(
      '-s, --strategies <list>',
      'the strategies to measure, comma-separated',
      LOCAL_STRATEGIES.join(','),
    )
    .option(
      '-c, --concurrency <n|strategy=n,…>',
      'tasks in flight: one number for async, threads and processes, or per strategy (threads=4,async=32)',
    )
    .option('-r, --runs <n>', 'measured runs per strategy', String(DEFAULT_RUNS))
    .option('-w, --warmup <n>', 'warm-up runs per strategy, not counted', String(DEFAULT_WARMUP))
    .option('--task-export <name>', "the task module's export to call", 'default')
    .option('--timeout <ms>', 'a time-out per task, in ms (a task past it fails)')
    .option('--export-json <file>', 'write every run and every timeline as JSON')
    .option('--export-markdown <file>', 'write the table as Markdown')
    .option('--report <file>', 'write a self-contained HTML report with every timeline')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', EXAMPLES)
    .action((task: string, flags: CompareFlags) => runCompare(task, flags));
}
