/**
 * The outcomes of a run, reduced to what the comparison keeps: failures as text, and whether each
 * input's result matches the reference strategy's.
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import type { Settled } from '../core/types.js';
import type { FailureSample } from './types.js';

/** How long a preview of a value may be in a report. */
export const PREVIEW_LENGTH = 80;

/**
 * Whether two outcomes of one input agree: both values and deep-equal (BigInts compare as values),
 * or both errors (their messages name workers and strategies, so only the fact of failing counts).
 */
export function sameOutcome(a: Settled<unknown>, b: Settled<unknown>): boolean {
  if (a.status !== b.status) return false;
  if (a.status === 'rejected') return true;
  return isDeepStrictEqual(a.value, (b as { value: unknown }).value);
}

/** A one-line preview of a value for reports: BigInts keep their `n`, long values are cut. */
export function preview(value: unknown): string {
  const text = inspect(value, { depth: 3, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 10 });
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
}

export function previewOutcome(outcome: Settled<unknown>): string {
  return outcome.status === 'fulfilled' ? preview(outcome.value) : `error: ${outcome.reason.message}`;
}

/** Indices (ascending) where `actual` differs from `expected`. */
export function mismatchedIndices(
  expected: readonly Settled<unknown>[],
  actual: readonly Settled<unknown>[],
): number[] {
  const indices: number[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (!sameOutcome(expected[i]!, actual[i]!)) indices.push(i);
  }
  return indices;
}

/** Adds this run's first errors to `samples`, keeping at most `limit` with distinct messages. */
export function collectFailures(
  outcomes: readonly Settled<unknown>[],
  samples: FailureSample[],
  limit: number,
): void {
  for (const outcome of outcomes) {
    if (samples.length >= limit) return;
    if (outcome.status !== 'rejected') continue;
    const message = outcome.reason.message;
    if (!samples.some((s) => s.message === message)) samples.push({ index: outcome.index, message });
  }
}

export function countFailed(outcomes: readonly Settled<unknown>[]): number {
  let failed = 0;
  for (const outcome of outcomes) if (outcome.status === 'rejected') failed++;
  return failed;
}
