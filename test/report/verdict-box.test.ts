/**
 * compare's HTML report carries the verdict in a box, in the terminal's words. The real `fanout compare`
 * runs on a tiny task with --report; Chromium opens the report: the verdict box is there, its line and
 * its margins are the lines the terminal printed, figures included, and nothing in it is cut off at the
 * right edge, on a wide screen and on a phone's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { comparisonSection } from '../../src/report/sections.js';
import { sampleComparison } from './sample.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const DOUBLE = fileURLToPath(new URL('../../../test/fixtures/double.mjs', import.meta.url));
/** Debian's chromium; `.ci/run` installs it with apt-get when it is missing. */
const CHROMIUM = process.env.FANOUT_CHROMIUM ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? undefined : `chromium not found at ${CHROMIUM}`;
// In CI a missing browser is a failure, not a skip: the report must have been seen rendering.
const skip = missing !== undefined && process.env.CI === undefined ? missing : false;
const COMPARE_DEADLINE_MS = 120_000;
/** A desktop window and a phone's: the box must fit both. */
const VIEWPORTS = [
  { width: 1200, height: 900 },
  { width: 360, height: 740 },
];

interface BoxSeen {
  line: string;
  margins: string[];
  /** Elements of the box whose right edge passes the page's, or whose content is wider than their box. */
  cut: string[];
}

test('compare --report: the verdict box says what the terminal says, and nothing is cut off', {
  skip,
  timeout: COMPARE_DEADLINE_MS + 60_000,
}, async (t) => {
  assert.equal(missing, undefined, missing);
  const dir = mkdtempSync(join(tmpdir(), 'fanout-verdict-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'in.ndjson'), `${Array.from({ length: 40 }, (_, i) => i).join('\n')}\n`);
  const report = join(dir, 'report.html');
  const compared = spawnSync(
    process.execPath,
    [
      CLI,
      'compare',
      DOUBLE,
      '-i',
      join(dir, 'in.ndjson'),
      '-s',
      'sequential,async',
      '--runs',
      '3',
      '--report',
      report,
    ],
    { encoding: 'utf8', timeout: COMPARE_DEADLINE_MS, env: { ...process.env, NO_COLOR: '1' } },
  );
  assert.equal(compared.status, 0, compared.stderr);
  const terminal = compared.stdout.split('\n');
  const verdict = terminal.find((line) => line.startsWith('Verdict: '));
  assert.ok(verdict, `the terminal printed a verdict:\n${compared.stdout}`);
  const margins = terminal.filter((line) => / ran .* (faster|slower) than /.test(line));
  assert.ok(margins.length > 0, 'the terminal printed by how much');

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  try {
    for (const viewport of VIEWPORTS) {
      const page = await browser.newPage({ viewport });
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
      const seen: BoxSeen = await page.$eval('.verdict.finding', (box) => {
        const edge = box.ownerDocument.documentElement.clientWidth;
        const cut = [box, ...box.querySelectorAll('*')]
          .filter(
            (el) => el.getBoundingClientRect().right > edge + 0.5 || el.scrollWidth > el.clientWidth + 1,
          )
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.slice(0, 60)}`);
        return {
          line: box.querySelector('.verdict-line')?.textContent ?? '',
          margins: [...box.querySelectorAll('ul.margins li')].map((li) => li.textContent ?? ''),
          cut,
        };
      });
      assert.equal(seen.line, verdict, `${viewport.width} px: the terminal's verdict line, word for word`);
      assert.deepEqual(seen.margins, margins, `${viewport.width} px: the terminal's summary lines`);
      assert.deepEqual(seen.cut, [], `${viewport.width} px: nothing past the right edge`);
      // On a desktop the page does not scroll sideways at all (on a phone, the figures table may).
      const wide = await page.$eval('html', (html) => html.scrollWidth > html.clientWidth);
      if (viewport.width >= 1000) assert.equal(wide, false, 'no sideways scrolling on a desktop');
      await page.close();
    }
  } finally {
    await browser.close();
  }
});

test('runs that overlap: the box names no winner and says what would tell them apart', () => {
  const c = sampleComparison();
  // Every strategy's runs span the same range: no run beats another's beyond doubt.
  for (const s of c.strategies) {
    s.wallMs.min = 100;
    s.wallMs.max = 500;
  }
  const finding = comparisonSection(c).finding;
  assert.ok(finding);
  assert.equal(finding.winner, undefined);
  assert.equal(finding.head, 'no clear winner by wall time');
  assert.match(finding.rest, /more runs \(--runs\) or a quieter machine can tell them apart\.$/);
  assert.ok(finding.margins.every((line) => line.endsWith('(the runs overlap: no clear difference)')));
});
