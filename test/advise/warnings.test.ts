/** The verdict's warnings: failures and disagreeing repeats are said, and unsettle it where they must. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderAdvice, renderRecommendation } from '../../src/advise/render.js';
import type { Advice } from '../../src/advise/types.js';
import { adviceWarnings, disagreement } from '../../src/advise/warnings.js';
import { message, probe, sampleOf, startup } from './figures.js';

const sample = sampleOf(20, 0.05);
const sequential = probe('sequential', 1, 50);

test('clean figures: no warnings, settled', () => {
  const result = adviceWarnings({
    sample,
    probes: [sequential, probe('async', 8, 380)],
    pastKnee: [],
    repeats: [{ strategy: 'async', concurrency: 16, rates: [400, 420] }],
  });
  assert.deepEqual(result, { warnings: [], settled: true });
});

test('a few sampled inputs failed: a warning, still settled; most of them: no basis, not settled', () => {
  const few = adviceWarnings({
    sample: { ...sample, tried: 30, failed: 10 },
    probes: [sequential],
    pastKnee: [],
    repeats: [],
  });
  assert.equal(few.settled, true);
  assert.deepEqual(few.warnings, [
    '10 of 30 sampled inputs failed and are left out of the figures; the verdict rests on the inputs that succeeded.',
  ]);
  const most = adviceWarnings({
    sample: { ...sample, tried: 30, failed: 20 },
    probes: [sequential],
    pastKnee: [],
    repeats: [],
  });
  assert.equal(most.settled, false);
  assert.match(
    most.warnings[0]!,
    /^20 of 30 sampled inputs failed .*most of the sample failed, which is no basis for advice/,
  );
});

test('a probe that failed where the sample did not: unsettled, unless a knee explains it', () => {
  const failing = probe('threads', 4, 150, 50, 7);
  const unexplained = adviceWarnings({ sample, probes: [sequential, failing], pastKnee: [], repeats: [] });
  assert.equal(unexplained.settled, false);
  assert.match(
    unexplained.warnings[0]!,
    /^threads at 4: 7 of 100 tasks failed where the sequential sample had none: the task fails under concurrency/,
  );
  const knee = adviceWarnings({ sample, probes: [sequential, failing], pastKnee: [failing], repeats: [] });
  assert.equal(knee.settled, true);
  assert.match(knee.warnings[0]!, /past the knee, it is not recommended\.$/);
});

test('a level measured twice, further apart than the noise tolerated: unsettled, with both figures', () => {
  assert.equal(disagreement(100, 150), 0.5);
  const result = adviceWarnings({
    sample,
    probes: [sequential],
    pastKnee: [],
    repeats: [{ strategy: 'threads', concurrency: 2, rates: [100, 150] }],
  });
  assert.equal(result.settled, false);
  assert.match(
    result.warnings[0]!,
    /^threads at 2 measured twice: 100 tasks\/s and 150 tasks\/s, 50 % apart, more than the 10 % counted as noise/,
  );
});

function advice(settled: boolean, warnings: string[]): Advice {
  return {
    verdict: {
      kind: 'io-bound',
      strategy: 'async',
      concurrency: 16,
      inFlight: 1,
      reasons: ['It waits.'],
      warnings,
      settled,
    },
    measurements: {
      total: 100,
      cores: 2,
      budgetMs: 1000,
      elapsedMs: 900,
      sample,
      message,
      startup,
      thresholds: {},
    },
    probes: [sequential],
    projections: [],
  };
}

test('the text says an unsettled verdict leans, not concludes, and lists the warnings first', () => {
  const text = renderAdvice(advice(false, ['threads ×2 measured twice: …']));
  assert.match(
    text,
    /^Verdict: not settled: the figures cannot decide \(see the warnings\)\nLeaning to: async at concurrency 16, I\/O-bound: the task mostly waits: not a recommendation until the warnings are resolved\n\nWarnings\n {2}! threads ×2 measured twice: …\n\nWhy\n/,
  );
  assert.doesNotMatch(text, /Recommended:/);
  assert.equal(
    renderRecommendation(advice(false, ['x'])),
    'io-bound: async --concurrency 16 (not settled: the figures cannot decide; see the warnings)\n',
  );
  const settled = renderAdvice(advice(true, ['3 of 30 sampled inputs failed …']));
  assert.match(
    settled,
    /^Verdict: I\/O-bound: the task mostly waits\nRecommended: async at concurrency 16\n\nWarnings\n {2}! 3 of 30/,
  );
  assert.equal(renderRecommendation(advice(true, [])), 'io-bound: async --concurrency 16\n');
});
