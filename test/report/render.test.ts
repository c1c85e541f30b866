import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { escapeHtml, jsonForScript } from '../../src/report/html/escape.js';
import { type ReportData, renderHtmlReport, writeHtmlReport } from '../../src/report/html/index.js';
import { clientFunctions, clientScript } from '../../src/report/html/script.js';
import * as shared from '../../src/report/html/shared.js';
import { HOSTILE_TASK, simulate } from './synthetic.js';

const HOSTILE = '</script><script>alert("x")</script><!--&\'"\u2028';

function small(overrides: Partial<ReportData['sections'][number]> = {}): ReportData {
  return {
    title: 'A report',
    generatedAt: '2025-03-01T14:05:09.000Z',
    machine: {
      cores: 2,
      memoryBytes: 8 * 1024 ** 3,
      cpuModel: 'Test CPU',
      node: 'v20.19.0',
      platform: 'linux x64',
    },
    sections: [
      {
        title: 'A job',
        task: './task.mjs',
        inputs: 10,
        strategies: [
          {
            strategy: 'threads',
            concurrency: 2,
            wallMs: { median: 100, min: 90, max: 120 },
            cpuMs: 190,
            peakRssBytes: 80 * 1024 ** 2,
            tasksPerSecond: 100,
            failed: 0,
            timeline: simulate({ inputs: 10, slots: 2, workerOf: (s) => s + 1, durationMs: () => 20 }),
          },
        ],
        ...overrides,
      },
    ],
  };
}

/** The text of every `<script>` element, in order. */
function scripts(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
}

test('escapeHtml escapes the five characters that matter', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('jsonForScript: nothing that can end a script element, and the same value back', () => {
  const value = { task: HOSTILE, n: [1, 2.5], nested: { '</script>': '<!-- -->' } };
  const json = jsonForScript(value);
  assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(json), value);
});

test('hostile strings everywhere: still exactly two script elements, and the text survives', () => {
  const data = small({
    title: HOSTILE,
    task: HOSTILE_TASK,
    summary: [HOSTILE],
    warnings: [HOSTILE],
    verdict: { kind: HOSTILE, strategy: HOSTILE, concurrency: 2, reasons: [HOSTILE] },
  });
  data.title = HOSTILE;
  data.machine.cpuModel = HOSTILE;
  data.sections[0]!.strategies[0]!.strategy = HOSTILE;
  const html = renderHtmlReport(data);
  assert.equal((html.match(/<script/g) ?? []).length, 2);
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2);
  assert.ok(!html.includes('alert("x")'), 'the quote inside the payload is escaped wherever it appears');
  assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)'));
  const [payload] = scripts(html);
  assert.equal(JSON.parse(payload ?? '').sections[0].strategies[0], HOSTILE);
  assert.ok(!html.includes('class="s-</script'), 'a strategy name never becomes a class');
});

test('the Content-Security-Policy allows exactly the inline script and style, by hash', () => {
  const html = renderHtmlReport(small());
  const attribute = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  const csp = attribute.replaceAll('&#39;', "'");
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  const script = scripts(html)[1] ?? '';
  const hash = (text: string) => createHash('sha256').update(text).digest('base64');
  assert.match(csp, /default-src 'none'/);
  assert.ok(csp.includes(`script-src 'sha256-${hash(script)}'`));
  assert.ok(csp.includes(`style-src 'sha256-${hash(style)}'`));
});

test('the page refers to nothing outside itself', () => {
  const html = renderHtmlReport(small());
  assert.doesNotMatch(html, /https?:\/\//);
  for (const [, url] of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) assert.match(url ?? '', /^(#|data:)/);
});

test('pure: the same data gives the same page', () => {
  assert.equal(renderHtmlReport(small()), renderHtmlReport(small()));
});

test('charts appear only with their data; a strategy without a timeline says so', () => {
  const plain = renderHtmlReport(small());
  assert.match(plain, /data-chart="wall-cpu" data-marks="2"/);
  assert.doesNotMatch(plain, /data-chart="throughput"/);
  assert.match(plain, /<canvas class="timeline-canvas" data-section="0" data-timeline="0"/);

  const probed = renderHtmlReport(
    small({
      probes: [
        { strategy: 'async', concurrency: 1, tasksPerSecond: 30, p95Ms: 40 },
        { strategy: 'async', concurrency: 8, tasksPerSecond: 200, p95Ms: 60 },
      ],
      verdict: { kind: 'io-bound', strategy: 'async', concurrency: 8, reasons: ['It waits.'] },
    }),
  );
  assert.match(probed, /data-chart="throughput" data-marks="2"/);
  assert.match(probed, /data-chart="latency" data-marks="2"/);
  assert.match(probed, /recommended: 8/);
  assert.match(probed, /<span class="kind">I\/O-bound<\/span>/);

  const untimed = small();
  untimed.sections[0]!.strategies[0]!.timeline = [];
  const html = renderHtmlReport(untimed);
  assert.match(html, /No timeline was recorded for threads\./);
  assert.doesNotMatch(html, /<canvas/);
});

test('the machine is shown: cores, memory, CPU, Node version', () => {
  const html = renderHtmlReport(small());
  for (const text of [
    '<dt>cores</dt><dd>2</dd>',
    '<dd>8.00 GiB</dd>',
    '<dd>Test CPU</dd>',
    '<dd>v20.19.0</dd>',
  ]) {
    assert.ok(html.includes(text), text);
  }
});

test('the page script parses, and every helper it inlines is a self-contained declaration', () => {
  const source = clientScript();
  assert.doesNotThrow(() => new Script(source));
  assert.doesNotMatch(source, /<\/script|<!--/i);
  const functions = clientFunctions();
  for (const name of Object.keys(shared))
    assert.ok(
      functions.some((fn) => fn.name === name),
      name,
    );
  for (const fn of functions) assert.match(String(fn), new RegExp(`^function ${fn.name}\\(`), fn.name);
});

test('writeHtmlReport writes the rendered page', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fanout-report-'));
  try {
    const file = join(dir, 'report.html');
    await writeHtmlReport(file, small());
    assert.equal(await readFile(file, 'utf8'), renderHtmlReport(small()));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
