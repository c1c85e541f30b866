import type { AdaptiveBounds, StrategyName } from '../core/options.js';
import type { LimitBucket, LimitPoint, TimelineEntry, WorkerUsage } from '../core/types.js';

/** Receives a task's outcome. One function can serve every task of a stream: no closure per task. */
export type Done = (request: TaskRequest, error: Error | undefined, value: unknown) => void;

/**
 * What a strategy records about a unit of work it dispatches. It lives on the unit itself, so that a
 * task in flight costs one object: with a million tasks in flight, the garbage collector sets the pace.
 */
export class Dispatch {
  state = 0;
  seq = 0;
  /** Who holds the unit while it runs: a pool's worker, or the in-process map group it belongs to. */
  holder: unknown = null;
  returned = false;
  timer: NodeJS.Timeout | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** Run again after a worker died without saying which job killed it: goes to a worker alone. */
  suspect = false;
  /** Its time-out fired and the pool is asking its worker whether its loop still turns. */
  pinged = false;
  /** Under an adaptive limit: the tasks its holder had in flight once it was sent, itself included. */
  inFlightAtSend = 0;
}

/** One task handed to a strategy; `done` is called exactly once. */
export class TaskRequest extends Dispatch {
  readonly owner = null;
  readonly count = 1;

  constructor(
    readonly input: unknown,
    readonly index: number,
    readonly signal: AbortSignal | undefined,
    readonly timeout: number | undefined,
    readonly done: Done,
    /** For `done`'s use: a promise's resolve and reject, for instance. */
    readonly resolve: ((value: unknown) => void) | undefined = undefined,
    readonly reject: ((error: Error) => void) | undefined = undefined,
  ) {
    super();
  }
}

/** Called once per input of a `mapArray`, with that input's index. */
export type ItemCallback = (index: number, error: Error | undefined, value: unknown) => void;

export interface MapHandle {
  /** Stop handing out the rest: results still in flight are dropped. */
  cancel(): void;
}

/** What a strategy shows of a limit that moves. */
export interface MovingLimitView {
  readonly bounds: AdaptiveBounds;
  /** Tasks that may be in flight now. */
  now(): number;
  /** The limit over time: a point at the start, then one per change (changes close together share one). */
  history(): LimitPoint[];
  /** The lowest and highest the limit has been. */
  range(): { min: number; max: number };
  /** The run in stretches of equal length: the limit beside throughput and latency (see MovingLimit). */
  series?(): LimitBucket[];
}

/** What every strategy offers the executor: one interface, one file each. */
export interface Strategy {
  readonly name: StrategyName;
  /** The limit of tasks in flight; under `concurrency: 'adaptive'`, the one it started from. */
  readonly concurrency: number;
  /** Tasks in flight per worker, for strategies with workers (the hybrid when above 1). */
  readonly inFlight?: number;
  /** Under `concurrency: 'adaptive'`: the limit as it moves. Undefined for a fixed limit. */
  readonly adaptive?: MovingLimitView | undefined;
  submit(request: TaskRequest): void;
  /** Starts every worker now, before any task needs one (strategies with workers; the others start at no cost). */
  prestart?(): void;
  /** Runs every input of an array, in batches where that pays. */
  mapArray(inputs: readonly unknown[], onItem: ItemCallback): MapHandle;
  /** How many tasks in flight keep every worker busy; `stream` reads that far ahead. */
  capacityHint(): number;
  timeline(): TimelineEntry[];
  usage(): Promise<WorkerUsage>;
  /** Lets queued and in-flight work finish, runs teardown, ends every worker. */
  close(): Promise<void>;
}
