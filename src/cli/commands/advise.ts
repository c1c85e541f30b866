/**
 * `fanout advise <task> --inputs <file|->`: a short measured sample, then the verdict, the recommended
 * strategy and concurrency, the figures behind them and the projected wall time under each model.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { advise } from '../../advise/advise.js';
import { renderAdvice, renderRecommendation } from '../../advise/render.js';
import { DEFAULT_BUDGET_MS } from '../../advise/thresholds.js';
import { adviceSection } from '../../report/advise-section.js';
import { writeHtmlReport } from '../../report/html/index.js';
import { reportData } from '../../report/sections.js';
import { createStyle } from '../../report/style.js';
import { CliError } from '../errors.js';
import { readAllInputs } from '../inputs.js';
import { parseCount } from '../strategy-options.js';
import { useColor } from '../style.js';
import { resolveTaskArgument } from '../task-arg.js';

interface AdviseFlags {
  inputs: string;
  budget?: string;
  maxConcurrency?: string;
  export?: string;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

function parseBudget(text: string | undefined): number {
  if (text === undefined) return DEFAULT_BUDGET_MS;
  const seconds = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new CliError(`--budget: expected a positive number of seconds, got \`${text}\``);
  }
  return seconds * 1000;
}

/** The report's directory must exist before the measuring, not after. */
function checkReportPath(file: string | undefined): void {
  if (file === undefined) return;
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new CliError(`--report: directory not found: ${dir}`);
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new CliError(`--report: expected a file, got a directory: ${file}`);
  }
}

async function action(task: string, flags: AdviseFlags): Promise<void> {
  const budgetMs = parseBudget(flags.budget);
  const maxConcurrency =
    flags.maxConcurrency === undefined ? undefined : parseCount('--max-concurrency', flags.maxConcurrency, 1);
  checkReportPath(flags.report);
  const inputs = await readAllInputs(flags.inputs);
  if (inputs.length === 0)
    throw new CliError(`${flags.inputs === '-' ? 'stdin' : flags.inputs} holds no inputs`);
  const quiet = flags.quiet === true || flags.json === true;
  const progress = !quiet && process.stderr.isTTY === true;
  const advice = await advise({
    task: resolveTaskArgument(task),
    export: flags.export,
    inputs,
    budgetMs,
    maxConcurrency,
    onProgress: progress ? (message) => process.stderr.write(`  … ${message}\n`) : undefined,
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(advice, null, 2)}\n`);
  else if (flags.quiet) process.stdout.write(renderRecommendation(advice));
  else process.stdout.write(renderAdvice(advice, createStyle(useColor(process.stdout))));
  if (flags.report !== undefined) {
    await writeHtmlReport(flags.report, reportData(`fanout advise: ${task}`, [adviceSection(advice, task)]));
    if (!quiet) process.stdout.write(`\nReport: ${resolve(flags.report)}\n`);
  }
}

export function registerAdvise(program: Command): void {
  program
    .command('advise')
    .description(
      'measure your task on a sample of its inputs and recommend a strategy and concurrency, with the reasons',
    )
    .argument(
      '<task>',
      'the task module (.js, .mjs or .ts), or a built-in workload: download, sum-of-squares, fetch-and-hash',
    )
    .requiredOption('--inputs <file|->', 'the inputs: NDJSON or one JSON array, from a file or stdin (-)')
    .option('--budget <seconds>', 'about how long to spend measuring', String(DEFAULT_BUDGET_MS / 1000))
    .option('--max-concurrency <n>', 'the highest concurrency to try')
    .option('--export <name>', 'the export to call instead of the default')
    .option('--report <file>', 'write a self-contained HTML report: the verdict and the probes, charted')
    .option('--json', 'print everything measured, as JSON')
    .option('--quiet', 'print only the recommendation')
    .action(action);
}
