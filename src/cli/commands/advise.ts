/**
 * `fanout advise <task> --inputs <file|->`: a short measured sample, then the verdict, the recommended
 * strategy and concurrency, the figures behind them and the projected wall time under each model.
 */
import type { Command } from 'commander';
import { advise } from '../../advise/advise.js';
import { renderAdvice, renderRecommendation } from '../../advise/render.js';
import { DEFAULT_BUDGET_MS } from '../../advise/thresholds.js';
import { CliError } from '../errors.js';
import { readAllInputs } from '../inputs.js';
import { createStyle, useColor } from '../style.js';

interface AdviseFlags {
  inputs: string;
  budget?: string;
  maxConcurrency?: string;
  export?: string;
  json?: boolean;
  quiet?: boolean;
}

function parseBudget(text: string | undefined): number {
  if (text === undefined) return DEFAULT_BUDGET_MS;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new CliError(`--budget expects a positive number of seconds, got \`${text}\``);
  }
  return seconds * 1000;
}

function parseConcurrency(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new CliError(`--max-concurrency expects a positive integer, got \`${text}\``);
  }
  return value;
}

async function action(task: string, flags: AdviseFlags): Promise<void> {
  const budgetMs = parseBudget(flags.budget);
  const maxConcurrency = parseConcurrency(flags.maxConcurrency);
  const inputs = await readAllInputs(flags.inputs);
  if (inputs.length === 0)
    throw new CliError(`${flags.inputs === '-' ? 'stdin' : flags.inputs} holds no inputs`);
  const quiet = flags.quiet === true || flags.json === true;
  const progress = !quiet && process.stderr.isTTY === true;
  const advice = await advise({
    task,
    export: flags.export,
    inputs,
    budgetMs,
    maxConcurrency,
    onProgress: progress ? (message) => process.stderr.write(`  … ${message}\n`) : undefined,
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(advice, null, 2)}\n`);
  else if (flags.quiet) process.stdout.write(renderRecommendation(advice));
  else process.stdout.write(renderAdvice(advice, createStyle(useColor(process.stdout))));
}

export function registerAdvise(program: Command): void {
  program
    .command('advise')
    .description(
      'measure your task on a sample of its inputs and recommend a strategy and concurrency, with the reasons',
    )
    .argument('<task>', 'the task module (.js, .mjs or .ts)')
    .requiredOption('--inputs <file|->', 'the inputs: NDJSON or one JSON array, from a file or stdin (-)')
    .option('--budget <seconds>', 'about how long to spend measuring', String(DEFAULT_BUDGET_MS / 1000))
    .option('--max-concurrency <n>', 'the highest concurrency to try')
    .option('--export <name>', 'the export to call instead of the default')
    .option('--json', 'print everything measured, as JSON')
    .option('--quiet', 'print only the recommendation')
    .action(action);
}
