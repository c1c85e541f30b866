/**
 * Every limit the advisor decides with. Each is applied to a measured figure, never used alone,
 * and the verdict's reasons quote both the figure and the threshold.
 */

/**
 * At most this share of a task's wall time on the event loop's thread → I/O-bound: the task mostly
 * waits, and `async` can overlap at least 1 / 0.2 = 5 such tasks before the loop itself is the limit.
 */
export const IO_BUSY_SHARE_MAX = 0.2;

/**
 * At least this share → CPU-bound: the task mostly computes, and `async` could at best run
 * 1 / 0.8 = 1.25 times faster than sequential; only threads or processes can add more.
 */
export const CPU_BUSY_SHARE_MIN = 0.8;

/**
 * Levels whose measured throughput (or projected wall time) is within this fraction of the best are
 * counted as equal, and the cheapest of them wins: the lowest concurrency, then sequential < async
 * < threads < processes (in start-up time, memory and message cost, all measured). Ten per cent:
 * on a shared machine, repeated probes of one level differ by about that much.
 */
export const PLATEAU_TOLERANCE = 0.1;

/** Doubling the concurrency must raise the throughput by at least this much, or the search stops. */
export const KNEE_MIN_GAIN = 0.1;

/**
 * The search also stops when the task time (median and 95th percentile both) grows by more than
 * this factor from one level to the next while throughput grew by less: tasks are queueing (the knee).
 */
export const LATENCY_CLIMB_FACTOR = 1.5;

/**
 * An event loop busy at least this share of a probe is saturated: more tasks in flight on it only queue
 * for its CPU, while more workers (more loops, more cores) can still help.
 */
export const LOOP_SATURATED_SHARE = 0.85;

/**
 * A task whose event loop is full at this many tasks in flight or fewer (busy share 1/8 or more)
 * has the hybrid probed first under `auto`: one loop caps async at one core's worth, the hybrid has
 * every core's. (A GET alone reads 3–10 % busy on a loaded 2-core machine: async first.)
 */
export const HYBRID_FIRST_MAX_OVERLAP = 8;

/** The hybrid's levels go up to this many times what fills a worker's loop (see `hybridFill`). */
export const HYBRID_FILL = 4;

/**
 * Under `auto`, a task that mostly waits starts under an adaptive limit this many times what fills the
 * loop by the sample (at most async's cap): a sample overstates the busy share (a GET read 3 % busy, one
 * loop full at 35, yet the loop kept up with about 170 in flight: 3,000 answers a second × 57 ms), and a
 * limit too high is cut within a window, while one too low grows a step per round trip.
 */
export const ADAPTIVE_START_FILL = 16;

/**
 * The least a worker thread costs to start, in ms, known without starting one: a one-worker `threads`
 * executor timed from `createExecutor` to its first result on a no-op task (`bench/worker-start.ts`)
 * took 46.5 ms at the least over 50 fresh processes on the idle 2-core machine (load 0.2–0.6; 78 ms at
 * load 12; docs/choosing.md gives the runs), rounded down. Under `auto`, a
 * CPU-bound job whose rest could save no more than this on every core is run sequentially at once,
 * without timing a worker (a user's task, its module and `setup` only add to a worker's start).
 */
export const WORKER_START_FLOOR_MS = 45;

/** The highest `async` concurrency probed unless `maxConcurrency` says otherwise. */
export const ASYNC_MAX_CONCURRENCY = 256;

/** For mixed tasks, workers are probed beyond the core count, up to this many per core. */
export const WORKERS_PER_CORE_MAX = 4;

/** The default time budget, in ms. */
export const DEFAULT_BUDGET_MS = 10_000;

/** The share of the budget the sequential sample aims to use… */
export const SAMPLE_BUDGET_SHARE = 0.2;
/** …and the share after which it stops even with fewer than SAMPLE_MIN_TASKS measured (slow tasks). */
export const SAMPLE_BUDGET_MAX_SHARE = 0.5;
/**
 * The sequential sample measures at least this many inputs (after the first), when there are that
 * many: its steady state is the second half of the run (the first tasks pay for compiling the task's
 * code, which takes a few tasks of real work, longer on a loaded machine).
 */
export const SAMPLE_MIN_TASKS = 8;
/**
 * …but this many suffice while the event loop was busy at most SAMPLE_WAITING_SHARE of the run:
 * compiling the code only raises the share, so a task that reads this low already mostly waits.
 */
export const SAMPLE_MIN_TASKS_WAITING = 1;
export const SAMPLE_WAITING_SHARE = 0.1;
/** …and at most this many: enough for a median and a 95th percentile… */
export const SAMPLE_MAX_TASKS = 100;
/**
 * …unless they span less than this, in ms: then it goes on (round the inputs again if need be), so
 * that a millisecond's hiccup of a busy machine cannot decide the verdict on tiny tasks.
 */
export const SAMPLE_MIN_SPAN_MS = 20;

/** A probe runs at least this many rounds of `concurrency` tasks, so the pipeline is full most of the time. */
export const PROBE_MIN_ROUNDS = 4;
/**
 * …and this many for warm workers with tasks in flight under `auto`, measured from the moment their
 * pipeline is full (`runProbe`): the rounds that remain only cover its drain at the end.
 */
export const PROBE_MIN_ROUNDS_WARM = 2;
/** A probe aims to last about this long (less when the budget is short)… */
export const PROBE_TARGET_MS = 400;
/** …and under `auto`, this long: enough to tell the models apart (PROBE_MIN_ROUNDS still holds). */
export const AUTO_PROBE_TARGET_MS = 250;
/** …and never runs more tasks than this. */
export const PROBE_MAX_TASKS = 20_000;

/** The thresholds, by name, for `Advice.measurements.thresholds`. */
export const THRESHOLDS: Record<string, number> = {
  IO_BUSY_SHARE_MAX,
  CPU_BUSY_SHARE_MIN,
  PLATEAU_TOLERANCE,
  KNEE_MIN_GAIN,
  LATENCY_CLIMB_FACTOR,
  LOOP_SATURATED_SHARE,
  HYBRID_FIRST_MAX_OVERLAP,
  HYBRID_FILL,
  ADAPTIVE_START_FILL,
  WORKER_START_FLOOR_MS,
  ASYNC_MAX_CONCURRENCY,
  WORKERS_PER_CORE_MAX,
};
