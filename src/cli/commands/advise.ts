/**
 * `fanout advise <task> --inputs <file|->`: a short measured sample, then the verdict, the recommended
 * strategy and concurrency, the figures behind them and the projected wall time under each model.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { advise } from '../../advise/advise.js';
import { type DistributedFigures, probeDistributed } from '../../advise/distributed.js';
import { renderAdvice, renderRecommendation } from '../../advise/render.js';
import { DEFAULT_BUDGET_MS } from '../../advise/thresholds.js';
import { adviceSection } from '../../report/advise-section.js';
import { writeHtmlReport } from '../../report/html/index.js';
import { reportData } from '../../report/sections.js';
import { createStyle } from '../../report/style.js';
import { CliError, EXIT_SOME_FAILED } from '../errors.js';
import { readAllInputs } from '../inputs.js';
import { addOptions, helpEnd, type OptionSpec } from '../option-kit.js';
import { INPUTS_RULE, OPTIONS } from '../options.js';
import { parseCount, parseSeconds } from '../strategy-options.js';
import { useColor } from '../style.js';
import { resolveTaskArgument, TASK_ARGUMENT } from '../task-arg.js';

interface AdviseFlags {
  inputs: string;
  redis?: string;
  budget: number;
  maxConcurrency?: number;
  export: string;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

const BUDGET: OptionSpec<number> = {
  flags: '--budget <seconds>',
  description: 'about how long to spend measuring',
  default: String(DEFAULT_BUDGET_MS / 1000),
  parse: (text) => parseSeconds('--budget', text),
};
const MAX_CONCURRENCY: OptionSpec<number> = {
  flags: '--max-concurrency <n>',
  description: 'the highest concurrency to try',
  parse: (text) => parseCount('--max-concurrency', text, 1),
};

const EXAMPLES = helpEnd(
  `Inputs are ${INPUTS_RULE}.
advise runs a sample of them, some more than once: the task must be safe to repeat. Failed probes
are named in the verdict, and a sample that mostly fails is no basis for advice.
See docs/choosing.md for how the verdict is reached.`,
  [
    'fanout advise ./task.js --inputs inputs.ndjson',
    'fanout advise sum-of-squares --inputs sizes.ndjson --budget 5',
    'fanout advise ./task.js -i urls.ndjson --max-concurrency 64 --report advice.html',
    'fanout advise ./task.js -i inputs.ndjson --json > advice.json',
    'seq 1 40 | fanout advise ./task.mjs --inputs - -q',
    'fanout advise ./task.js -i inputs.ndjson --redis "$REDIS_URL"   # and whether distributed pays',
  ],
);

async function action(task: string, flags: AdviseFlags): Promise<void> {
  const { budget: budgetMs, maxConcurrency } = flags;
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
  // With --redis: distributed measured on the same sample against the recommendation, one verdict line.
  let distributed: DistributedFigures | undefined;
  let notMeasured: string | undefined;
  if (flags.redis !== undefined) {
    if (progress) process.stderr.write('  … measuring distributed on the fanout workers listening\n');
    try {
      distributed = await probeDistributed({
        task: resolveTaskArgument(task),
        export: flags.export,
        inputs,
        connection: flags.redis,
        advice,
      });
    } catch (error) {
      notMeasured = `distributed not measured: ${(error as Error).message}`;
    }
  }
  if (flags.json) {
    const extra = flags.redis === undefined ? {} : { distributed: distributed ?? { error: notMeasured } };
    process.stdout.write(`${JSON.stringify({ ...advice, ...extra }, null, 2)}\n`);
  } else if (flags.quiet) {
    process.stdout.write(renderRecommendation(advice));
    // The full text shows its warnings; the one line must not hide them.
    for (const warning of advice.verdict.warnings)
      process.stderr.write(`fanout advise: warning: ${warning}\n`);
  } else process.stdout.write(renderAdvice(advice, createStyle(useColor(process.stdout))));
  if (!flags.json && (distributed || notMeasured))
    process.stdout.write(`\n${distributed?.line ?? notMeasured}\n`);
  if (flags.report !== undefined) {
    await writeHtmlReport(flags.report, reportData(`fanout advise: ${task}`, [adviceSection(advice, task)]));
    if (!quiet) process.stdout.write(`\nReport: ${resolve(flags.report)}\n`);
  }
  // As for compare and run: inputs that failed (in the sample or a probe) make the exit code 1.
  if (advice.probes.some((probe) => probe.failed > 0) || advice.measurements.sample.failed > 0) {
    process.exitCode = EXIT_SOME_FAILED;
  }
}

export function registerAdvise(program: Command): void {
  const command = program
    .command('advise')
    .summary('measure a sample and recommend a strategy and concurrency, with the reasons')
    .description(
      'Measure <task> on a sample of its inputs (some inputs run more than once: the task must be safe ' +
        'to repeat) and recommend a strategy and concurrency, with the measured reasons.',
    )
    .argument('<task>', TASK_ARGUMENT);
  addOptions(
    command,
    OPTIONS.inputs,
    BUDGET,
    MAX_CONCURRENCY,
    OPTIONS.export,
    OPTIONS.redis,
    OPTIONS.json,
    OPTIONS.report,
    OPTIONS.quiet,
  );
  command.addHelpText('after', EXAMPLES).action(action);
}
