import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JSON_FORMAT_VERSION, renderJson } from '../../src/report/json.js';
import { renderMarkdown, renderMarkdownTable } from '../../src/report/markdown.js';
import { COLUMNS } from '../../src/report/model.js';
import { sampleComparison } from './sample.js';

test('the Markdown table has the same columns and the fastest in bold', () => {
  const lines = renderMarkdownTable(sampleComparison()).trimEnd().split('\n');
  assert.equal(lines.length, 6);
  for (const line of [lines[0]!, ...lines.slice(2)])
    assert.equal(line.split(' | ').length, COLUMNS.length, line);
  assert.equal(lines[1], '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  assert.match(lines[4]!, /^\| \*\*threads\*\* \| 2 \| 2\.01 s \|/);
});

test('the Markdown report lists summary, failures and warnings as bullets', () => {
  const md = renderMarkdown(sampleComparison({ failed: 1 }));
  // threads finished first, but an input failed under it: processes is the row the others are measured against.
  assert.match(md, /^- processes ran 1\.84 × faster than sequential$/m);
  assert.match(md, /^- processes ran 1\.05 × slower than threads \(threads: 1 of 20 inputs failed\)/m);
  assert.match(md, /^\| threads \| 2 \| .* \| 9\.95 \/s † \| — \| — \|$/m);
  assert.match(md, /^- † tasks\/s counts failed inputs as done/m);
  assert.match(md, /\*\*Failures\*\*\n\n- threads: 1 of 20 inputs failed\n {2}- input 3:/);
  assert.match(md, /\*\*Warnings\*\*/);
});

test('the JSON export holds everything: every run, every timeline, and a format version', () => {
  const c = sampleComparison();
  const parsed = JSON.parse(renderJson(c));
  assert.equal(parsed.format, 'fanout-compare');
  assert.equal(parsed.version, JSON_FORMAT_VERSION);
  assert.deepEqual(
    { ...parsed, format: undefined, version: undefined },
    {
      ...JSON.parse(JSON.stringify(c)),
      format: undefined,
      version: undefined,
    },
  );
  assert.equal(parsed.strategies[2].runs.length, 3);
  assert.deepEqual(parsed.strategies[2].runs[0].timeline[0], {
    workerId: 1,
    index: 0,
    start: 1_700_000_000_000,
    end: 1_700_000_000_005,
  });
});
