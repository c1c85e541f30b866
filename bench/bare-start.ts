import { execFile } from 'node:child_process';

/** The floor under any child process's start: a bare `node -e`, timed from here and by itself. */
export interface BareStart {
  /** From spawning it to its exit, in ms. */
  wallMs: number;
  /** Its own CPU time as it exits, in ms: what Node's boot costs on this machine. */
  cpuMs: number;
}

const SCRIPT =
  "process.on('exit', () => { const u = process.cpuUsage(); console.log((u.user + u.system) / 1000); })";

export function bareStart(flags: readonly string[] = []): Promise<BareStart> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(process.execPath, [...flags, '-e', SCRIPT], (error, stdout) => {
      if (error) reject(error);
      else resolve({ wallMs: performance.now() - t0, cpuMs: Number(stdout.trim()) });
    });
  });
}

/**
 * Node 20 reads and parses every certificate of NODE_EXTRA_CA_CERTS as it boots, in every process
 * (nodejs/node#40524): with a system bundle there, about half of a bare start's CPU.
 */
export function extraCaCertsLine(): string {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  return file
    ? `NODE_EXTRA_CA_CERTS is set (${file}): every child parses it as it boots`
    : 'NODE_EXTRA_CA_CERTS is not set';
}
