/**
 * Adaptive concurrency against fixed limits, on a service whose capacity changes during the run and
 * which degrades when overloaded, as real services do.
 *
 * The service is `fanout serve --capacity 64` in a child process (so it does not share an event loop
 * with the client), each request served in --service-ms. The same work for every row: the first
 * --phase inputs at capacity 64, the next --phase / 3 at capacity 8 (set through POST /capacity once
 * that many inputs have ended), the last --phase at 64 again. How the service degrades (--overload):
 *
 *   contention  (default) each request waiting for a slot slows the ones served: service takes
 *               delay × (1 + --contention × waiting ÷ capacity) (`fanout serve --contention`)
 *   shed        at most --queue wait; one more is answered 503 at once (`fanout serve --queue`)
 *   both        the two together
 *   none        the server only queues: any fixed limit at or above the capacity gets all its throughput
 *
 * A failed attempt (a 503) is retried after fanout run's backoff (src/run/backoff.ts: 50–100 ms, then
 * doubling), up to --retries times, as `fanout run --retries` does. Rows: fixed limits 1, 4, 16, 64,
 * 256 and `adaptive`, one after another; per row the total time, the inputs per second, the latency
 * per input (from its first attempt's start in the executor to its last attempt's end: queueing at
 * the service, retries and their backoff included), the failed attempts and retries, and the range
 * the limit moved in. Each row checks that every input ended exactly once.
 *
 * --strategy threads runs the hybrid instead: --workers worker threads, a fixed limit L as L ÷ workers
 * tasks in flight on each, and adaptive as `inFlight: 'adaptive'`.
 *
 *   npm run build && node dist/bench/adaptive.js [--service-ms 50] [--phase 1200] [--overload contention]
 *     [--contention 1] [--queue 16] [--retries 8] [--strategy async|threads] [--workers 2] [--rows 1,4,16,64,256,adaptive] [--history]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { createExecutor, type ExecutorOptions } from '../src/index.js';
import { retryDelay } from '../src/run/backoff.js';
import { WORKLOADS } from '../src/workloads/index.js';
import { describeMachine, machineLine } from './machine.js';
import { formatCount, markdownTable } from './table.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const HIGH = 64;
const LOW = 8;
const DEFAULT_ROWS = '1,4,16,64,256,adaptive';
const OVERLOADS = ['contention', 'shed', 'both', 'none'] as const;
type Overload = (typeof OVERLOADS)[number];

interface Settings {
  serviceMs: number;
  phase: number;
  overload: Overload;
  contention: number;
  queue: number;
  retries: number;
  strategy: 'async' | 'threads';
  workers: number;
  /** Print the adaptive limit's history to stderr. */
  history: boolean;
}

interface Row {
  limit: string;
  totalMs: number;
  /** Per input: from its first attempt's start to its last attempt's end. */
  latencies: number[];
  /** Attempts that failed (503s, mostly), retries started, inputs that failed for good. */
  failedAttempts: number;
  retries: number;
  failed: number;
  range: { min: number; max: number } | undefined;
}

const print = (text = ''): void => void process.stdout.write(`${text}\n`);
const progress = (text: string): void => void process.stderr.write(`bench adaptive: ${text}\n`);

async function startService(settings: Settings): Promise<{ url: string; child: ChildProcess }> {
  const overload: string[] = [];
  if (settings.overload === 'contention' || settings.overload === 'both')
    overload.push('--contention', String(settings.contention));
  if (settings.overload === 'shed' || settings.overload === 'both')
    overload.push('--queue', String(settings.queue));
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--delay', String(settings.serviceMs), '--capacity', String(HIGH), ...overload],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let text = '';
  child.stdout!.setEncoding('utf8');
  while (!/listening on (\S+)/.test(text)) {
    const [chunk] = (await once(child.stdout!, 'data')) as [string];
    text += chunk;
  }
  child.stdout!.resume();
  return { url: /listening on (\S+)/.exec(text)![1]!, child };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** The executor's options for a row: async at the limit, or the hybrid with the limit spread over the workers. */
function rowOptions(limit: string, settings: Settings): ExecutorOptions {
  const base = { task: WORKLOADS.download, timeline: true } as const;
  if (settings.strategy === 'async') {
    return { ...base, strategy: 'async', concurrency: limit === 'adaptive' ? 'adaptive' : Number(limit) };
  }
  const inFlight =
    limit === 'adaptive' ? ('adaptive' as const) : Math.max(1, Math.round(Number(limit) / settings.workers));
  return { ...base, strategy: 'threads', concurrency: settings.workers, inFlight };
}

/**
 * The inputs, then each failed attempt again once its backoff is over, until every input has ended:
 * what `fanout run --retries` does, reduced to what the bench needs.
 */
class RetryFeed {
  readonly attemptOf: number[] = [];
  readonly #due: { input: number; at: number }[] = [];
  #next = 0;
  #ended = 0;
  #wake: (() => void) | undefined;
  constructor(readonly total: number) {}

  retry(input: number, attempts: number): void {
    this.#due.push({ input, at: performance.now() + retryDelay(attempts) });
    this.#wake?.();
  }

  end(): void {
    this.#ended++;
    this.#wake?.();
  }

  async *inputs(): AsyncGenerator<number> {
    while (this.#ended < this.total) {
      const now = performance.now();
      this.#due.sort((a, b) => a.at - b.at);
      if (this.#due.length > 0 && this.#due[0]!.at <= now) {
        yield this.#due.shift()!.input;
      } else if (this.#next < this.total) {
        yield this.#next++;
      } else {
        const wait = this.#due.length > 0 ? this.#due[0]!.at - now : Number.POSITIVE_INFINITY;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          if (Number.isFinite(wait)) setTimeout(resolve, wait);
        });
        this.#wake = undefined;
      }
    }
  }
}

async function runRow(url: string, control: Agent, limit: string, settings: Settings): Promise<Row> {
  const setCapacity = async (capacity: number): Promise<void> => {
    const response = await request(`${url}capacity?c=${capacity}`, { method: 'POST', dispatcher: control });
    await response.body.text();
  };
  await setCapacity(HIGH);
  const { phase } = settings;
  const lowFrom = phase;
  const highAgainFrom = phase + Math.round(phase / 3);
  const total = highAgainFrom + phase;
  const executor = createExecutor<string, number>(rowOptions(limit, settings));
  const feed = new RetryFeed(total);
  // Per attempt (the stream's index): which input it was; per input: its attempts' stream indices.
  const inputOf: number[] = [];
  const attemptsOf: number[][] = Array.from({ length: total }, () => []);
  const endings = new Uint8Array(total);
  let ended = 0;
  let failedAttempts = 0;
  let retries = 0;
  let failed = 0;
  const started = performance.now();
  const attempts = (async function* () {
    for await (const input of feed.inputs()) {
      attemptsOf[input]!.push(inputOf.length);
      inputOf.push(input);
      yield `${url}?id=${input}`;
    }
  })();
  try {
    for await (const outcome of executor.stream(attempts, { settle: true })) {
      const input = inputOf[outcome.index]!;
      if (outcome.status === 'rejected') {
        failedAttempts++;
        const made = attemptsOf[input]!.length;
        if (made <= settings.retries) {
          retries++;
          feed.retry(input, made);
          continue;
        }
        failed++;
      }
      endings[input]!++;
      ended++;
      feed.end();
      if (ended === lowFrom) await setCapacity(LOW);
      if (ended === highAgainFrom) await setCapacity(HIGH);
    }
  } finally {
    await executor.close();
  }
  const totalMs = performance.now() - started;
  const once = endings.every((count) => count === 1);
  if (!once) throw new Error(`limit ${limit}: an input did not end exactly once`);
  const timeline = new Map(executor.timeline().map((entry) => [entry.index, entry]));
  const latencies = attemptsOf
    .map((indices) => {
      const first = timeline.get(indices[0]!);
      const last = timeline.get(indices.at(-1)!);
      return first && last ? last.end - first.start : Number.NaN;
    })
    .filter((latency) => !Number.isNaN(latency))
    .sort((a, b) => a - b);
  if (settings.history && executor.adaptive) {
    const points = executor
      .concurrencyHistory()
      .map((point) => `${Math.round(point.time - started - performance.timeOrigin)}:${point.limit}`);
    progress(
      `limit ${limit}: capacity 8 from input ${lowFrom}, 64 from ${highAgainFrom}; history (ms:limit) ${points.join(' ')}`,
    );
  }
  return {
    limit,
    totalMs,
    latencies,
    failedAttempts,
    retries,
    failed,
    range: executor.adaptive ? executor.concurrencyRange() : undefined,
  };
}

function describeOverload(settings: Settings): string {
  const contention = `each request waiting for a slot slows service by ${settings.contention} × waiting ÷ capacity (contention ${settings.contention})`;
  const shed = `at most ${settings.queue} wait for a slot, more are answered 503 at once (load shedding)`;
  switch (settings.overload) {
    case 'contention':
      return contention;
    case 'shed':
      return shed;
    case 'both':
      return `${contention}; ${shed}`;
    case 'none':
      return 'requests beyond the capacity wait, at no cost to the service';
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'service-ms': { type: 'string', default: '50' },
      phase: { type: 'string', default: '1200' },
      overload: { type: 'string', default: 'contention' },
      contention: { type: 'string', default: '1' },
      queue: { type: 'string', default: '16' },
      retries: { type: 'string', default: '8' },
      strategy: { type: 'string', default: 'async' },
      workers: { type: 'string', default: '2' },
      rows: { type: 'string', default: DEFAULT_ROWS },
      history: { type: 'boolean', default: false },
    },
  });
  const overload = values.overload as Overload;
  if (!OVERLOADS.includes(overload)) throw new Error(`--overload: one of ${OVERLOADS.join(', ')}`);
  if (values.strategy !== 'async' && values.strategy !== 'threads')
    throw new Error('--strategy: async or threads');
  const settings: Settings = {
    serviceMs: Number(values['service-ms']),
    phase: Number(values.phase),
    overload,
    contention: Number(values.contention),
    queue: Number(values.queue),
    retries: Number(values.retries),
    strategy: values.strategy,
    workers: Number(values.workers),
    history: values.history,
  };
  const limits = values.rows.split(',').map((row) => row.trim());
  const machine = describeMachine();
  progress(machineLine(machine));
  const { url, child } = await startService(settings);
  const control = new Agent();
  const rows: Row[] = [];
  try {
    for (const limit of limits) {
      progress(`${limit === 'adaptive' ? 'adaptive' : `fixed ${limit}`}…`);
      rows.push(await runRow(url, control, limit, settings));
    }
  } finally {
    await control.close();
    child.kill('SIGINT');
    await once(child, 'exit');
  }
  const { phase, workers } = settings;
  const inputs = 2 * phase + Math.round(phase / 3);
  const how =
    settings.strategy === 'async'
      ? 'async'
      : `threads, ${workers} workers (a limit L: L ÷ ${workers} tasks in flight on each; adaptive: inFlight 'adaptive')`;
  print(`Machine: ${machineLine(machine)}`);
  print(
    `${how}, download workload; the service (fanout serve, another process) answers each request after ${settings.serviceMs} ms, ` +
      `${HIGH} at once for the first ${formatCount(phase)} inputs, ${LOW} for the next ${formatCount(Math.round(phase / 3))}, ` +
      `${HIGH} for the last ${formatCount(phase)}: ${formatCount(inputs)} inputs per row. Overloaded: ${describeOverload(settings)}. ` +
      `A failed attempt is retried after fanout run's backoff, up to ${settings.retries} times. ` +
      "Latency: per input, from its first attempt's start in the executor to its last attempt's end. Every input ended exactly once in every row.",
  );
  print();
  const ms = (value: number): string => `${formatCount(value)} ms`;
  const label = (limit: string): string =>
    settings.strategy === 'threads' && limit !== 'adaptive'
      ? `${workers}×${Math.max(1, Math.round(Number(limit) / workers))}`
      : limit;
  print(
    markdownTable(
      [
        'limit',
        'total time',
        'tasks/s',
        'latency p50',
        'p95',
        'p99',
        'failed attempts',
        'retries',
        'failed inputs',
        'limit during the run',
      ],
      rows.map((row) => [
        label(row.limit),
        `${(row.totalMs / 1000).toFixed(2)} s`,
        formatCount((inputs * 1000) / row.totalMs),
        ms(quantile(row.latencies, 0.5)),
        ms(quantile(row.latencies, 0.95)),
        ms(quantile(row.latencies, 0.99)),
        formatCount(row.failedAttempts),
        formatCount(row.retries),
        formatCount(row.failed),
        row.range
          ? `${row.range.min}–${row.range.max}${settings.strategy === 'threads' ? ' per worker' : ''}`
          : label(row.limit),
      ]),
    ),
  );
}

await main();
