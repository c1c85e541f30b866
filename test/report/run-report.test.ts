/**
 * `fanout run --report`: the page of an adaptive run draws the limit over time beside throughput and
 * latency, and the run summary says the same in sparklines. The page is checked as a string, and in
 * Chromium: the chart is there, drawn, and not cut off, on a wide screen and on a narrow one.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { LimitBucket } from '../../src/core/types.js';
import { renderRunReport } from '../../src/report/html/run-report.js';
import { formatSeries, SPARKLINE_WIDTH, sparkline } from '../../src/report/run-lines.js';
import type { RunSummary } from '../../src/run/run.js';

const CHROMIUM = process.env.FANOUT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];
const missing = existsSync(CHROMIUM)
  ? undefined
  : `chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does)`;
const skip = missing !== undefined && process.env.CI === undefined ? missing : false;

/** 90 stretches of 100 ms: the limit 64, cut to 8 when the latency rises, then back up; 50 ms at best. */
function series(): LimitBucket[] {
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: 90 }, (_, i) => {
    const limit = i < 30 ? 64 : i < 60 ? 8 : 64;
    const latencyMs = i >= 30 && i < 34 ? 400 : 50;
    const done = Math.round((limit * 100) / latencyMs);
    return {
      start: start + i * 100,
      end: start + (i + 1) * 100,
      limit,
      done,
      failed: i === 31 ? 2 : 0,
      latencyMs,
    };
  });
}

function summary(perWorker: boolean): RunSummary {
  return {
    read: 5000,
    skipped: 0,
    ok: 5000,
    failed: 0,
    aborted: 0,
    retried: 0,
    unrecorded: 0,
    complete: true,
    stoppedBy: undefined,
    abortedBy: undefined,
    fatal: undefined,
    strategy: perWorker ? 'threads' : 'async',
    concurrency: perWorker ? 2 : 64,
    inFlight: perWorker ? 64 : 1,
    adaptive: {
      bounds: { min: 1, max: 1000 },
      range: { min: 8, max: 64 },
      history: [{ time: 0, limit: 64 }],
      series: series(),
      perWorker,
    },
    reasons: undefined,
    elapsedMs: 9000,
    resumable: true,
    prior: undefined,
  };
}

const INFO = { task: 'download', out: 'out.ndjson', generatedAt: '2026-01-01T00:00:00.000Z' };

test('sparklines: one character per value, ▁ for the least, █ for the most, a space for none', () => {
  assert.equal(sparkline([0, 4, 8, undefined, 8]), '▁▅█ █');
  assert.equal(sparkline([0, 0]), '▁▁');
  const lines = formatSeries(series());
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^over 9\.00 s, 45 stretches of 200 ms:$/);
  assert.match(lines[1]!, /^ {2}limit {4}\S{45} {2}8–64 \(at each stretch's end\)$/);
  assert.match(lines[2]!, /^ {2}tasks\/s {2}\S{45} {2}/);
  assert.match(lines[3]!, /^ {2}latency {2}\S{45} {2}50\.0 ms–400 ms \(mean per stretch\)$/);
  const long = formatSeries(Array.from({ length: 120 }, () => series()[0]!));
  assert.ok(long[1]!.length <= 12 + SPARKLINE_WIDTH + "  64–64 (at each stretch's end)".length, long[1]);
});

test('the page of an adaptive run draws three panels on one time axis; a fixed run says why there is none', () => {
  const html = renderRunReport(summary(false), INFO);
  assert.match(html, /<svg class="chart" data-chart="limit-series" data-marks="90"/);
  for (const panel of ['limit', 'throughput', 'latency'])
    assert.match(html, new RegExp(`data-panel="${panel}".*?<path class="series s-${panel}" d="M[^"]+"`));
  assert.match(html, /adaptive limit: from 64, between 8 and 64/);
  assert.doesNotMatch(html, /<script/);
  assert.match(renderRunReport(summary(true), INFO), /limit per worker/);
  const fixed = renderRunReport({ ...summary(false), adaptive: undefined }, INFO);
  assert.doesNotMatch(fixed, /<svg/);
  assert.match(fixed, /The limit was fixed/);
  const hostile = renderRunReport(summary(false), { ...INFO, task: '<img src=x onerror=alert(1)>' });
  assert.doesNotMatch(hostile, /<img src=x/);
});

test('in Chromium the chart is drawn and not cut off, wide or narrow', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fanout-run-report-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'run.html');
  await writeFile(file, renderRunReport(summary(false), INFO), 'utf8');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  for (const viewport of [
    { width: 1200, height: 900 },
    { width: 400, height: 800 },
  ]) {
    const page = await browser.newPage({ viewport });
    const problems: string[] = [];
    page.on('console', (message) => problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const seen = await page.$eval('svg[data-chart="limit-series"]', (element) => {
      // The page's DOM, read in the browser; the project has no DOM types.
      interface Box {
        left: number;
        right: number;
        top: number;
        bottom: number;
        width: number;
        height: number;
      }
      interface Node {
        getBoundingClientRect(): Box;
        querySelectorAll(selector: string): ArrayLike<Node>;
        getAttribute(name: string): string | null;
        getTotalLength?: () => number;
      }
      const svg = element as unknown as Node;
      const doc = (globalThis as unknown as { document: { documentElement: { clientWidth: number } } })
        .document;
      const box = svg.getBoundingClientRect();
      const inside = (inner: Box): boolean =>
        inner.left >= box.left - 0.5 &&
        inner.right <= box.right + 0.5 &&
        inner.top >= box.top - 0.5 &&
        inner.bottom <= box.bottom + 0.5;
      const panels = Array.from(svg.querySelectorAll('g.panel')).map((panel) => {
        const path = panel.querySelectorAll('path.series')[0]!;
        return {
          key: panel.getAttribute('data-panel'),
          length: path.getTotalLength?.() ?? 0,
          inside: inside(path.getBoundingClientRect()),
        };
      });
      const texts = Array.from(svg.querySelectorAll('text'));
      return {
        width: box.width,
        height: box.height,
        pageWidth: doc.documentElement.clientWidth,
        right: box.right,
        left: box.left,
        panels,
        textsInside: texts.filter((text) => inside(text.getBoundingClientRect())).length,
        texts: texts.length,
      };
    });
    const where = `at ${viewport.width} px`;
    assert.ok(seen.width > 300, `${where}: drawn ${seen.width} px wide`);
    assert.ok(seen.height > 100, `${where}: drawn ${seen.height} px high`);
    assert.ok(
      seen.left >= 0 && seen.right <= seen.pageWidth,
      `${where}: within the page (${seen.left}–${seen.right} of ${seen.pageWidth})`,
    );
    assert.deepEqual(
      seen.panels.map((p) => p.key),
      ['limit', 'throughput', 'latency'],
    );
    for (const panel of seen.panels) {
      assert.ok(panel.length > 100, `${where}: ${panel.key} drawn (${panel.length} px of line)`);
      assert.ok(panel.inside, `${where}: ${panel.key} within the chart`);
    }
    assert.equal(seen.textsInside, seen.texts, `${where}: every label within the chart`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});
