/** The run summary's words: --resume is suggested only where it can continue the output. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSummary } from '../../src/report/run-lines.js';
import type { RunSummary } from '../../src/run/run.js';

function summary(overrides: Partial<RunSummary>): RunSummary {
  return {
    read: 10,
    skipped: 0,
    ok: 6,
    failed: 0,
    aborted: 0,
    retried: 0,
    unrecorded: 0,
    complete: false,
    stoppedBy: undefined,
    abortedBy: undefined,
    fatal: undefined,
    strategy: 'async',
    concurrency: 4,
    inFlight: 1,
    adaptive: undefined,
    reasons: undefined,
    elapsedMs: 1000,
    resumable: true,
    prior: undefined,
    ...overrides,
  };
}

test('a stopped or failed run into a regular file: continue with --resume', () => {
  const stopped = formatSummary(summary({ stoppedBy: 'SIGINT' }), 'out.ndjson').join('\n');
  assert.match(stopped, /stopped by SIGINT: the rest not read; continue with --resume$/);
  const failed = formatSummary(summary({ fatal: new Error('EIO') }), 'out.ndjson').join('\n');
  assert.match(failed, /not finished: continue with --resume once the cause is fixed$/);
  const aborted = formatSummary(
    summary({ stoppedBy: 'SIGINT', abortedBy: 'a second SIGINT', aborted: 2 }),
    'out.ndjson',
  );
  assert.match(aborted.join('\n'), /recorded as aborted \(--resume runs aborted inputs again\)/);
});

test('into stdout, a FIFO or a device: no --resume, which cannot continue them', () => {
  for (const label of ['stdout', '/tmp/out.fifo']) {
    const lines = [
      ...formatSummary(summary({ stoppedBy: 'SIGTERM', resumable: false }), label),
      ...formatSummary(summary({ fatal: new Error('EPIPE'), resumable: false }), label),
      ...formatSummary(
        summary({ stoppedBy: 'SIGINT', abortedBy: 'a second SIGINT', aborted: 2, resumable: false }),
        label,
      ),
    ].join('\n');
    assert.doesNotMatch(lines, /continue with --resume|--resume runs/);
    assert.match(
      lines,
      new RegExp(`${label} cannot be resumed \\(--resume needs a regular file\\): run again from the start`),
    );
  }
});
