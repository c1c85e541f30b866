/** How a failed task is described on its error line (pure). */
import { FanoutError, serializeError, TaskError } from '../core/errors.js';
import type { FailureFields } from './encode.js';

/**
 * The fields of an error line. A task's own error is reported as the task threw it (its name, message
 * and code); fanout's errors (time-out, worker died, clone) keep their name and `ERR_FANOUT_*` code.
 *
 * The engine numbers inputs by its own count (`engineIndex`, which restarts with each stream and
 * skips nothing on --resume), so "input N" in its messages is rewritten to the run's index.
 */
export function describeFailure(error: Error, engineIndex: number, index: number): FailureFields {
  if (error instanceof TaskError) {
    const cause = serializeError(error.cause);
    const fields: FailureFields = { name: cause.name, message: cause.message };
    if (typeof cause.code === 'string') fields.code = cause.code;
    return fields;
  }
  const message =
    engineIndex === index
      ? error.message
      : error.message.replace(new RegExp(`\\binput ${engineIndex}\\b`), `input ${index}`);
  const fields: FailureFields = { name: error.name, message };
  if (error instanceof FanoutError) fields.code = error.code;
  return fields;
}
