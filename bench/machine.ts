import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  os: string;
  memoryGb: number;
  /** The 1-minute load average as the bench starts: anything near `cores` means the numbers are shared. */
  load: number;
  /** The python3 on PATH, or undefined when there is none. */
  python: string | undefined;
}

function pythonVersion(): string | undefined {
  const result = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim().replace(/^Python /, '');
}

export function describeMachine(): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${platform()} ${release()}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    load: loadavg()[0] ?? 0,
    python: pythonVersion(),
  };
}

export function machineLine(machine: Machine): string {
  return [
    `${machine.cores} cores (${machine.cpu})`,
    `${machine.memoryGb} GB`,
    `Node ${machine.node}`,
    `Python ${machine.python ?? 'not found'}`,
    machine.os,
    `load average ${machine.load.toFixed(2)} at start`,
  ].join(' · ');
}
