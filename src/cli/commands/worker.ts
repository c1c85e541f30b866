/**
 * `fanout worker`: takes jobs of the `distributed` strategy from a BullMQ queue on Redis and runs
 * their inputs with this machine's own executor (threads, processes or async). Progress on stderr.
 * SIGTERM or SIGINT drains (finishes the jobs it holds, takes nothing new) and exits 0; a second
 * signal exits at once.
 */
import { type Command, Option } from 'commander';
import { createExecutor, type Executor } from '../../auto/executor.js';
import { DEFAULT_QUEUE, redactUrl, toTaskUrl } from '../../core/options.js';
import type { Settled } from '../../core/types.js';
import { formatPlural } from '../../report/run-lines.js';
import {
  DEFAULT_WORKER_SETTINGS,
  type LocalJob,
  limitsKey,
  type RunLimits,
  startQueueWorker,
} from '../../strategies/distributed/index.js';
import { CliError } from '../errors.js';
import { helpEnd } from '../option-kit.js';
import { parseCount } from '../strategy-options.js';
import { resolveTaskArgument } from '../task-arg.js';

/** The local strategies a worker may run its jobs' inputs under. */
const LOCAL = ['threads', 'processes', 'async'] as const;
type Local = (typeof LOCAL)[number];

/** `--strategy`, worded as every other option's error is. */
function parseLocal(text: string): Local {
  const strategy = LOCAL.find((name) => name === text);
  if (strategy === undefined) {
    throw new CliError(`--strategy: expected ${LOCAL.join(', ')}, got \`${text}\``);
  }
  return strategy;
}
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
/** How often progress is printed while jobs come in, in ms. */
const PROGRESS_MS = 2000;

interface WorkerFlags {
  redis?: string;
  queue: string;
  strategy: (typeof LOCAL)[number];
  concurrency?: number;
  inFlight?: number;
  jobs?: number;
  lockMs?: number;
  stallCheckMs?: number;
  maxStalls?: number;
  quiet?: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .summary('take the jobs of --strategy distributed from Redis and run them here')
    .description(
      'Take the jobs of `--strategy distributed` from Redis and run them on this machine.\n' +
        'SIGTERM or Ctrl+C drains: the jobs held finish, then it exits 0. Start as many as you like, anywhere.',
    )
    .argument('<task>', 'the task module: the same file the producer runs (its hash is checked)')
    // Checked in the action, so that an unknown option is reported first, as under every command.
    .option('--redis <url>', 'the Redis to take jobs from: redis://[user:password@]host:port[/db] (required)')
    .addOption(
      new Option('--queue <name>', 'the queue to take jobs from').default(DEFAULT_QUEUE, DEFAULT_QUEUE),
    )
    .addOption(
      new Option('--strategy <name>', `how this machine runs a job's inputs: ${LOCAL.join(', ')}`)
        .argParser(parseLocal)
        .default('threads', 'threads'),
    )
    .option('--concurrency <n>', 'tasks in flight here (default: the strategy’s)', (text) =>
      parseCount('--concurrency', text, 1),
    )
    .option(
      '--in-flight <k>',
      'tasks in flight per local worker under threads or processes: the hybrid (default: 1)',
      (text) => parseCount('--in-flight', text, 1),
    )
    .option('--jobs <n>', `jobs held at once (default: ${DEFAULT_WORKER_SETTINGS.jobs})`, (text) =>
      parseCount('--jobs', text, 1),
    )
    .option(
      '--lock-ms <ms>',
      `a job's lock, renewed while it runs (default: ${DEFAULT_WORKER_SETTINGS.lockMs})`,
      (text) => parseCount('--lock-ms', text, 100),
    )
    .option(
      '--stall-check-ms <ms>',
      `how often to look for jobs whose worker died (default: ${DEFAULT_WORKER_SETTINGS.stallCheckMs})`,
      (text) => parseCount('--stall-check-ms', text, 100),
    )
    .option(
      '--max-stalls <n>',
      `times a job may lose its worker and run again (default: ${DEFAULT_WORKER_SETTINGS.maxStalls})`,
      (text) => parseCount('--max-stalls', text, 0),
    )
    .option('-q, --quiet', 'no progress on stderr (errors still)')
    .addHelpText(
      'after',
      helpEnd(
        'The producer is `fanout run <task> --strategy distributed --redis <url>`: see docs/distributed.md.',
        [
          'fanout worker ./task.js --redis redis://127.0.0.1:6379',
          'fanout worker ./task.js --redis redis://:PASSWORD@redis.internal:6379 --strategy async --concurrency 64',
          'fanout worker ./task.js --redis rediss://redis.internal:6380 --queue nightly --jobs 2 -q',
        ],
      ),
    )
    .action(async (task: string, flags: WorkerFlags) => {
      process.exitCode = await workerCommand(task, flags);
    });
}

/**
 * A job's inputs on the local executor, each as its own `run`: with its index in the producer's call
 * (`context.index`), its own signal (cancelled from the producer) and the producer's time-out. The
 * pools still batch them: runs submitted together travel to a worker together.
 */
function runJob(executor: Executor, inputs: unknown[], job: LocalJob): Promise<Settled<unknown>[]> {
  const told = (k: number, outcome: Settled<unknown>): Settled<unknown> => {
    job.onOutcome(k, outcome);
    return outcome;
  };
  return Promise.all(
    inputs.map((input, k) => {
      const index = job.indices[k]!;
      const options = {
        index,
        signal: job.signals[k]!,
        ...(job.timeout === undefined ? {} : { timeout: job.timeout }),
      };
      return executor.run(input, options).then(
        (value) => told(k, { index, status: 'fulfilled', value }),
        (reason: Error) => told(k, { index, status: 'rejected', reason }),
      );
    }),
  );
}

async function workerCommand(task: string, flags: WorkerFlags): Promise<number> {
  if (flags.redis === undefined) throw new CliError('--redis is required (see fanout worker --help)');
  if (!/^rediss?:\/\/[^/]/.test(flags.redis)) {
    throw new CliError(
      `--redis: expected a redis:// or rediss:// URL, got \`${String(redactUrl(flags.redis))}\``,
    );
  }
  const where = String(redactUrl(flags.redis));
  const say = (text: string): void => {
    if (!flags.quiet) process.stderr.write(`fanout worker: ${text}\n`);
  };
  // One local executor per export, taskOptions and limits the runs ask for (most ask for one): each
  // with its own setup, so `setup(context)` sees the producer's options, under the producer's
  // setupTimeout, teardownTimeout and maxMemoryMb.
  const executors = new Map<string, Executor>();
  const executorFor = (
    name: string,
    taskOptions?: unknown,
    optionsKey = '',
    limits?: RunLimits,
  ): Executor => {
    const key = `${name}\0${optionsKey}\0${limits ? limitsKey(limits) : ''}`;
    let executor = executors.get(key);
    if (executor === undefined) {
      executor = createExecutor({
        task: resolveTaskArgument(task),
        strategy: flags.strategy,
        concurrency: flags.concurrency,
        ...(flags.inFlight === undefined ? {} : { inFlight: flags.inFlight }),
        export: name,
        taskOptions,
        ...limits,
      });
      executors.set(key, executor);
    }
    return executor;
  };
  // Made now, so that a task file that is not there is said at once, not at the first job.
  const executor = executorFor('default');
  let jobs = 0;
  let inputs = 0;
  let failed = 0;
  let refused = 0;
  let shown = 0;
  let lastError = '';
  const worker = await startQueueWorker({
    connection: flags.redis,
    queue: flags.queue,
    taskUrl: toTaskUrl(resolveTaskArgument(task)),
    jobs: flags.jobs,
    lockMs: flags.lockMs,
    stallCheckMs: flags.stallCheckMs,
    maxStalls: flags.maxStalls,
    slots: executor.concurrency * (flags.inFlight ?? 1),
    runLocal: (batch, name, taskOptions, optionsKey, job) =>
      runJob(executorFor(name, taskOptions, optionsKey, job.limits), batch, job),
    onJob: (report) => {
      jobs++;
      inputs += report.inputs;
      failed += report.failed;
      if (report.refused) {
        refused++;
        process.stderr.write(
          `fanout worker: refused a job of ${formatPlural(report.inputs, 'input')}: the producer's task module is not this one\n`,
        );
      }
    },
    onSkip: (run, why) => {
      process.stderr.write(`fanout worker: not joining run ${run}: ${why}\n`);
    },
    onError: (error) => {
      // Redis going away is retried for ever; say so once per distinct message, not once per retry.
      if (error.message !== lastError)
        process.stderr.write(`fanout worker: ${String(redactUrl(error.message))}\n`);
      lastError = error.message;
    },
  });
  say(
    `${worker.name} taking jobs from the runs on queue "${flags.queue}" at ${where}, running them under ${executor.strategy} ` +
      `(concurrency ${executor.concurrency}${flags.inFlight && flags.inFlight > 1 ? `, ${flags.inFlight} tasks in flight each` : ''}); SIGTERM or Ctrl+C drains and exits`,
  );
  const progress = setInterval(() => {
    if (jobs === shown) return;
    shown = jobs;
    say(
      `${formatPlural(jobs, 'job')}, ${formatPlural(inputs, 'input')} done (${failed} failed${refused ? `, ${refused} jobs refused` : ''})`,
    );
  }, PROGRESS_MS);
  progress.unref();
  const signal = await new Promise<string>((resolve) => {
    const onSignal = (name: NodeJS.Signals): void => {
      if (stopping) process.exit(SIGNAL_EXIT[name] ?? 1);
      stopping = true;
      resolve(name);
    };
    let stopping = false;
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  say(`${signal}: draining: finishing the jobs held, taking nothing new (${signal} again to exit at once)`);
  await worker.close();
  clearInterval(progress);
  await Promise.all([...executors.values()].map((each) => each.close()));
  say(`stopped: ${formatPlural(jobs, 'job')}, ${formatPlural(inputs, 'input')} done (${failed} failed)`);
  return 0;
}
