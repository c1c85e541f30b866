/** The advisor's refusals: what fails before anything is measured (the verdicts are in verdicts.timing.test.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advise } from '../../src/advise/advise.js';

const fixture = (name: string): URL => new URL(`../../../test/fixtures/advise/${name}.mjs`, import.meta.url);

test('a task module that does not exist is one clear error', async () => {
  await assert.rejects(
    advise({ task: fixture('missing'), inputs: [1] }),
    (error: Error) => error.name === 'TaskLoadError' && /not found/.test(error.message),
  );
});

test('bad options are refused before anything runs', async () => {
  const task = fixture('tiny');
  await assert.rejects(advise({ task, inputs: [] }), /Expected `inputs` to be a non-empty array/);
  await assert.rejects(
    advise({ task, inputs: [1], budgetMs: 0 }),
    /Expected `budgetMs` to be a positive number/,
  );
  await assert.rejects(advise({ task, inputs: [1], maxConcurrency: 1.5 }), /Expected `maxConcurrency`/);
});
