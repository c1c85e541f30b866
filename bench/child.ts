import { spawn } from 'node:child_process';

/** How long one bench child may take before it is killed and its row reported as failed. */
export const CHILD_TIMEOUT_MS = 15 * 60_000;
/** A child has printed its result after closing its pool: it must exit on its own within this long. */
export const EXIT_GRACE_MS = 10_000;

export interface ChildResult<T> {
  ok: boolean;
  value?: T;
  error?: string;
}

/**
 * Runs one measurement in its own process, so no pool's threads, heap or JIT state leak into the next,
 * and parses the last line of its stdout as JSON. stderr passes through, for the child's own warnings.
 * A child that hangs after printing its result (a pool that left a thread or process behind) fails.
 */
export function runChild<T>(command: string, args: readonly string[]): Promise<ChildResult<T>> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let why: string | undefined;
    const kill = (reason: string): void => {
      why = reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => kill(`no result within ${CHILD_TIMEOUT_MS / 60_000} min`),
      CHILD_TIMEOUT_MS,
    );
    let grace: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (grace === undefined && stdout.includes('\n')) {
        grace = setTimeout(() => kill('did not exit on its own after closing its pool'), EXIT_GRACE_MS);
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      clearTimeout(grace);
      resolve({ ok: false, error: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(grace);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (why !== undefined || code !== 0) {
        resolve({ ok: false, error: why ?? (signal ? `killed by ${signal}` : `exit code ${code}`) });
        return;
      }
      try {
        resolve({ ok: true, value: JSON.parse(line) as T });
      } catch {
        resolve({ ok: false, error: `unreadable output: ${line.slice(0, 200)}` });
      }
    });
  });
}
