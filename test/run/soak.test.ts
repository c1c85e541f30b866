/** A brief soak (bench/soak.ts): random faults and interruptions, resumed to the end, invariants checked. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SOAK = fileURLToPath(new URL('../../bench/soak.js', import.meta.url));
const SECONDS = '4';
const SEED = '20240601';

test('a brief soak keeps every invariant', async () => {
  const child = spawn(process.execPath, [SOAK, '--seconds', SECONDS, '--seed', SEED], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /every invariant held/);
});
