/**
 * The options more than one command takes, each defined once. A command adds one with one line
 * (`addOptions(command, OPTIONS.inputs, OPTIONS.quiet)`); its spelling, help and checks are these.
 * Options only one command takes are defined beside that command, with the same OptionSpec.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AUTO_BUDGET_MS } from '../advise/auto.js';
import {
  DEFAULT_RUN_STRATEGY,
  LOCAL_STRATEGIES,
  redactUrl,
  STRATEGY_CHOICES,
  type StrategyChoice,
} from '../core/options.js';
import { DEFAULT_RUNS, DEFAULT_WARMUP } from '../measure/compare.js';
import { CliError } from './errors.js';
import type { OptionSpec } from './option-kit.js';
import {
  type ConcurrencySetting,
  parseConcurrency,
  parseCount,
  parseMilliseconds,
  parseSeconds,
  parseStrategies,
} from './strategy-options.js';

/**
 * A file an option will write: its directory must exist and be writable before minutes of measuring
 * or running, not after (compare's exports and reports, advise's and run's --report).
 */
export function outputFile(option: string) {
  return (file: string): string => {
    const dir = dirname(resolve(file));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new CliError(`${option}: directory not found: ${dir}`);
    }
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new CliError(`${option}: directory not writable: ${dir}`);
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      throw new CliError(`${option}: expected a file, got a directory: ${file}`);
    }
    return file;
  };
}

function strategyChoice(text: string): StrategyChoice {
  const name = text.trim();
  if (!(STRATEGY_CHOICES as readonly string[]).includes(name)) {
    throw new CliError(`--strategy: unknown strategy \`${text}\` (expected ${STRATEGY_CHOICES.join(', ')})`);
  }
  return name as StrategyChoice;
}

/** What every command that reads inputs says about them: one rule, documented in the README. */
export const INPUTS_RULE =
  'NDJSON: one JSON value per line, blank lines skipped; a line holding an array is one input';

/** `--redis`: a redis:// or rediss:// URL; a bad one is named without its password. */
function redisUrl(text: string): string {
  if (!/^rediss?:\/\/[^/]/.test(text)) {
    throw new CliError(`--redis: expected a redis:// or rediss:// URL, got \`${String(redactUrl(text))}\``);
  }
  return text;
}

export const OPTIONS = {
  redis: {
    flags: '--redis <url>',
    description:
      'the Redis that `fanout worker`s listen on, for --strategy distributed (redis://[user:password@]host:port, rediss:// for TLS)',
    parse: redisUrl,
  } satisfies OptionSpec<string>,
  inputs: {
    flags: '-i, --inputs <file|->',
    description: `the inputs, ${INPUTS_RULE}; - reads stdin`,
    required: true,
  },
  export: {
    flags: '--export <name>',
    description: "the task module's export to call",
    default: 'default',
    deprecatedAliases: ['--task-export'],
  },
  quiet: {
    flags: '-q, --quiet',
    description:
      'no progress on stderr, and the shortest output: run prints no summary, advise only its recommendation; ' +
      'compare and demo still print their table, notes and verdict',
  },
  json: {
    flags: '--json',
    description: 'print everything measured as JSON on stdout, instead of the table',
  },
  strategy: {
    flags: '--strategy <name>',
    description: `how to run the tasks: ${STRATEGY_CHOICES.join(', ')}`,
    default: DEFAULT_RUN_STRATEGY,
    parse: strategyChoice,
  } satisfies OptionSpec<StrategyChoice>,
  strategies: {
    flags: '-s, --strategies <list>',
    description: 'the strategies to measure, comma-separated, in the order they run',
    default: LOCAL_STRATEGIES.join(','),
    parse: parseStrategies,
  },
  concurrency: {
    flags: '-c, --concurrency <n|strategy=n,…>',
    description:
      'tasks in flight: one number for async, threads and processes, or per strategy (threads=4,async=32); threads=2x16 is 2 workers × 16 in flight each; async=adaptive or threads=2xadaptive:1-64 moves the limit while the job runs (docs/adaptive.md)',
    defaultHelp: "the strategy's",
    parse: parseConcurrency,
  } satisfies OptionSpec<ConcurrencySetting>,
  inFlight: {
    flags: '--in-flight <k>',
    description:
      'tasks each worker runs at once under threads or processes: the hybrid, for tasks that wait and compute (--concurrency stays the workers)',
    default: '1',
    parse: (text: string) => parseCount('--in-flight', text, 1),
  } satisfies OptionSpec<number>,
  advisorBudget: {
    flags: '--advisor-budget <seconds>',
    description:
      'with --strategy auto: about how long the advisor may spend choosing (it stops sooner when the choice is clear; its results count)',
    defaultHelp: String(AUTO_BUDGET_MS / 1000),
    parse: (text: string) => parseSeconds('--advisor-budget', text),
  } satisfies OptionSpec<number>,
  timeout: {
    flags: '--timeout <ms>',
    description: 'a time-out per task attempt, in ms: a task past it fails',
    parse: (text: string) => parseMilliseconds('--timeout', text),
  },
  runs: {
    flags: '-r, --runs <n>',
    description: 'measured runs per strategy',
    default: String(DEFAULT_RUNS),
    parse: (text: string) => parseCount('--runs', text, 1),
  },
  warmup: {
    flags: '-w, --warmup <n>',
    description: 'warm-up runs per strategy, not counted',
    default: String(DEFAULT_WARMUP),
    parse: (text: string) => parseCount('--warmup', text, 0),
  },
  report: {
    flags: '--report <file>',
    description: 'write a self-contained HTML report, with every timeline',
    parse: outputFile('--report'),
  },
} satisfies Record<string, OptionSpec>;
