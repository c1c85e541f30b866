/** `fanout advise` as a real child process: what cli.test.ts and cli.timing.test.ts share. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../test/fixtures/advise/${name}.mjs`, import.meta.url));
export const dir = mkdtempSync(join(tmpdir(), 'fanout-advise-'));
after(() => rmSync(dir, { recursive: true, force: true }));

export function inputsFile(name: string, lines: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  return path;
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export function fanout(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [main, ...args],
      { env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
