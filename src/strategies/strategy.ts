import type { StrategyName } from '../options.js';
import type { TimelineEntry, WorkerUsage } from '../types.js';

/** One task handed to a strategy; `done` is called exactly once. */
export interface TaskRequest {
  input: unknown;
  index: number;
  signal: AbortSignal | undefined;
  timeout: number | undefined;
  done(error: Error | undefined, value: unknown): void;
}

/** Called once per input of a `mapArray`, with that input's index. */
export type ItemCallback = (index: number, error: Error | undefined, value: unknown) => void;

export interface MapHandle {
  /** Stop handing out the rest: results still in flight are dropped. */
  cancel(): void;
}

/** What every strategy offers the executor: one interface, one file each. */
export interface Strategy {
  readonly name: StrategyName;
  readonly concurrency: number;
  submit(request: TaskRequest): void;
  /** Runs every input of an array, in batches where that pays. */
  mapArray(inputs: readonly unknown[], onItem: ItemCallback): MapHandle;
  /** How many tasks in flight keep every worker busy; `stream` reads that far ahead. */
  capacityHint(): number;
  timeline(): TimelineEntry[];
  usage(): Promise<WorkerUsage>;
  /** Lets queued and in-flight work finish, runs teardown, ends every worker. */
  close(): Promise<void>;
}
