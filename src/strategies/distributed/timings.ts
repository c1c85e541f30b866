/**
 * The clocks of `distributed`, in one place (docs/distributed.md explains each). BullMQ's defaults
 * (a 30 s lock, a stall check every 30 s) would leave a killed worker's job unclaimed for up to a
 * minute; fanout's are shorter, and `fanout worker` overrides them with --lock-ms, --stall-check-ms
 * and --max-stalls.
 */

/** How long a worker's lock on a job lasts; the worker renews it at half that while the job runs. */
export const LOCK_MS = 10_000;
/** How often each worker looks for jobs whose worker is gone (their lock expired). */
export const STALL_CHECK_MS = 5_000;
/**
 * How many times a job may lose its worker and run again: it runs at most MAX_STALLS + 1 times.
 * The producer then splits a job of many inputs into jobs of one, each with the same allowance, so
 * an input that kills every worker fails alone, after MAX_STALLS + 1 attempts of its own.
 */
export const MAX_STALLS = 1;
/**
 * How many jobs one `fanout worker` holds at once. One: BullMQ fetches the next job in the same call
 * that completes one, so nothing waits, and a worker killed by a poison input takes no innocent job
 * down with it (each job it held would count a lost worker).
 */
export const JOBS_PER_WORKER = 1;
/** How often the producer checks its jobs against Redis, the workers' presence and Redis's health. */
export const RECONCILE_MS = 500;
