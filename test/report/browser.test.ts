import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import type { ClientCanvas, ClientWindow } from '../../src/report/html/client/dom.js';
import { writeHtmlReport } from '../../src/report/html/index.js';
import { HOSTILE_TASK, syntheticReport } from './synthetic.js';

/** Debian's chromium; `.ci/run` installs it with apt-get when it is missing. */
const CHROMIUM = process.env.FANOUT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const VIEWPORT = { width: 1200, height: 900 };
/** A high-density screen, so the canvases' device-pixel-ratio handling is exercised. */
const DEVICE_SCALE = 2;
const TEST_TIMEOUT_MS = 180_000;
/** A bar's pixel may differ from its colour by antialiasing; within this per-channel distance it counts. */
const COLOUR_TOLERANCE = 6;

const missing = existsSync(CHROMIUM)
  ? undefined
  : `chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does)`;
// In CI a missing browser is a failure, not a skip: the report must have been seen rendering.
const skip = missing !== undefined && process.env.CI === undefined ? missing : false;

interface CanvasCheck {
  section: number;
  timeline: number;
  rendered: string | undefined;
  tasks: number;
  rects: number;
  barPixels: number;
  width: number;
  cssWidth: number;
}

/** What the page functions below use beyond the report's own client types (the project has no DOM lib). */
interface InspectedCanvas extends ClientCanvas {
  getContext(kind: '2d'): ReturnType<ClientCanvas['getContext']> & {
    getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
    drawImage(image: ClientCanvas, x: number, y: number): void;
  };
}

interface InspectedWindow extends ClientWindow {
  document: ClientWindow['document'] & { createElement(tag: 'canvas'): ClientCanvas };
}

/** Per timeline canvas: what the script says it drew, and how many pixels carry the strategy's colour. */
function checkCanvases(page: Page): Promise<CanvasCheck[]> {
  return page.$$eval(
    'canvas[data-timeline]',
    (canvases, tolerance) =>
      canvases.map((element) => {
        const canvas = element as unknown as InspectedCanvas;
        const win = globalThis as unknown as InspectedWindow;
        const hex = win.getComputedStyle(canvas).getPropertyValue('--c').trim().replace('#', '');
        const rgb = [0, 2, 4].map((k) => Number.parseInt(hex.slice(k, k + 2), 16));
        // Read a copy: reading the page's own canvas twice makes Chrome warn about readbacks.
        const copy = win.document.createElement('canvas') as InspectedCanvas;
        copy.width = canvas.width;
        copy.height = canvas.height;
        const copyContext = copy.getContext('2d');
        copyContext.drawImage(canvas, 0, 0);
        const { data } = copyContext.getImageData(0, 0, canvas.width, canvas.height);
        let barPixels = 0;
        for (let i = 0; i < data.length; i += 4) {
          const near =
            Math.abs(data[i]! - rgb[0]!) <= tolerance &&
            Math.abs(data[i + 1]! - rgb[1]!) <= tolerance &&
            Math.abs(data[i + 2]! - rgb[2]!) <= tolerance;
          if (near && data[i + 3] === 255) barPixels++;
        }
        return {
          section: Number(canvas.dataset.section),
          timeline: Number(canvas.dataset.timeline),
          rendered: canvas.dataset.rendered,
          tasks: Number(canvas.dataset.tasks),
          rects: Number(canvas.dataset.rects),
          barPixels,
          width: canvas.width,
          cssWidth: canvas.clientWidth,
        };
      }),
    COLOUR_TOLERANCE,
  );
}

/** Two animation frames: whatever the page scheduled with requestAnimationFrame has been drawn. */
function nextFrames(page: Page): Promise<void> {
  return page.evaluate(() => {
    const win = globalThis as unknown as ClientWindow;
    return new Promise<void>((resolve) =>
      win.requestAnimationFrame(() => win.requestAnimationFrame(resolve)),
    );
  });
}

test('the HTML report opens offline in chromium and draws every chart, 400,000 timeline bars included', {
  skip,
  timeout: TEST_TIMEOUT_MS,
}, async (t) => {
  assert.equal(missing, undefined, missing);
  const data = syntheticReport();
  const dir = await mkdtemp(join(tmpdir(), 'fanout-report-'));
  const file = join(dir, 'report.html');
  const url = pathToFileURL(file).href;
  await mkdir(ARTIFACTS, { recursive: true });

  const buildStarted = performance.now();
  await writeHtmlReport(file, data);
  const buildMs = performance.now() - buildStarted;
  const { size } = await stat(file);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: DEVICE_SCALE });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));

    const loadStarted = performance.now();
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-rendered="true"]');
    const loadMs = performance.now() - loadStarted;
    const scriptMs = Number(await page.getAttribute('body', 'data-render-ms'));

    // Every timeline: drawn, every task counted, pixels in the strategy's colour, at device resolution.
    const canvases = await checkCanvases(page);
    const expected = data.sections.flatMap((section, s) =>
      section.strategies.flatMap((strategy, k) =>
        strategy.timeline.length > 0 ? [{ s, k, tasks: strategy.timeline.length }] : [],
      ),
    );
    assert.equal(canvases.length, expected.length);
    for (const { s, k, tasks } of expected) {
      const canvas = canvases.find((c) => c.section === s && c.timeline === k);
      assert.ok(canvas, `a canvas for section ${s}, strategy ${k}`);
      assert.equal(canvas.rendered, 'true');
      assert.equal(canvas.tasks, tasks, `section ${s}, strategy ${k}: every task drawn`);
      assert.ok(canvas.rects > 0);
      assert.ok(canvas.barPixels > 500, `section ${s}, strategy ${k}: ${canvas.barPixels} bar pixels`);
      assert.equal(
        canvas.width,
        Math.round(canvas.cssWidth * DEVICE_SCALE),
        'drawn at the device pixel ratio',
      );
    }
    assert.ok(
      expected.some((e) => e.tasks === 100_000),
      'a timeline of 100,000 tasks was drawn',
    );

    // Every SVG chart has its marks, with a size on the page.
    const charts = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => ({
        chart: svg.getAttribute('data-chart'),
        marks: Number(svg.getAttribute('data-marks')),
        drawn: [...svg.querySelectorAll('rect.bar, circle.point:not(.legend)')].filter((mark) => {
          const box = mark.getBoundingClientRect();
          return box.width > 0 && box.height > 0;
        }).length,
      })),
    );
    const wallCharts = charts.filter((c) => c.chart === 'wall-cpu');
    assert.equal(wallCharts.length, data.sections.length);
    for (const chart of wallCharts) assert.ok(chart.drawn >= 8, `wall and CPU bars for 4 strategies`);
    const probed = charts.filter((c) => c.chart === 'throughput');
    assert.equal(probed.length, 1);
    assert.equal(probed[0]?.drawn, data.sections[0]?.probes?.length);
    for (const chart of charts)
      assert.ok(chart.marks > 0 && chart.drawn === chart.marks, `${chart.chart} has data`);

    // The table, the verdict, the machine; the hostile task path shown as text, not run.
    assert.equal(await page.locator('table.figures tbody tr').count(), 12);
    assert.match((await page.locator('.verdict-line').first().textContent()) ?? '', /I\/O-bound → use async/);
    assert.match((await page.locator('dl.machine').textContent()) ?? '', /cores2.*Node\.jsv20\.19\.0/);
    assert.equal(await page.locator('#job-3 .meta code').textContent(), HOSTILE_TASK);

    // A tooltip on hover over a bar: the sequential timeline of the first job is busy end to end.
    const lane = page.locator('canvas[data-section="0"][data-timeline="0"]');
    await lane.scrollIntoViewIfNeeded();
    const box = await lane.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.6, box.y + 15);
    const tooltip = page.locator('#fanout-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const tip = (await tooltip.textContent()) ?? '';
    assert.match(tip, /^sequential · input #\d+\nworker 0 \(the main thread\)\ntook [\d.]+ ms\nfrom \+/);
    await page.screenshot({ path: join(ARTIFACTS, 'report-tooltip.png'), scale: 'css' });

    // Zoom on the 100,000-task async timeline: fewer bars in view; a double-click brings all back.
    const big = page.locator('canvas[data-section="2"][data-timeline="1"]');
    await big.scrollIntoViewIfNeeded();
    const bigBox = await big.boundingBox();
    assert.ok(bigBox);
    const y = bigBox.y + bigBox.height / 3;
    await page.mouse.move(bigBox.x + bigBox.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(bigBox.x + bigBox.width * 0.45, y, { steps: 4 });
    await page.mouse.up();
    const zoomed = Number(await big.getAttribute('data-tasks'));
    assert.ok(zoomed > 0 && zoomed < 100_000, `${zoomed} tasks in the zoomed view`);
    await big.dblclick({ position: { x: bigBox.width / 2, y: bigBox.height / 3 } });
    assert.equal(Number(await big.getAttribute('data-tasks')), 100_000);
    await page.mouse.move(0, 0);
    await tooltip.waitFor({ state: 'hidden' });

    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true, scale: 'css' });

    // Dark: the canvases redraw in the dark palette.
    await page.emulateMedia({ colorScheme: 'dark' });
    await nextFrames(page);
    for (const canvas of await checkCanvases(page)) assert.ok(canvas.barPixels > 500, 'dark bars drawn');
    await page.screenshot({ path: join(ARTIFACTS, 'report-dark.png'), fullPage: true, scale: 'css' });

    assert.deepEqual(errors, [], 'no console errors or warnings');
    assert.deepEqual(
      requests.filter((r) => r !== url && !r.startsWith('data:')),
      [],
      'no network requests',
    );

    const timing = {
      tasks: expected.reduce((sum, e) => sum + e.tasks, 0),
      largestTimeline: Math.max(...expected.map((e) => e.tasks)),
      fileBytes: size,
      buildMs: Math.round(buildMs),
      loadToRenderedMs: Math.round(loadMs),
      scriptMs: scriptMs,
    };
    await writeFile(join(ARTIFACTS, 'report-timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
    t.diagnostic(
      `${timing.tasks.toLocaleString('en')} bars (largest timeline ${timing.largestTimeline.toLocaleString('en')}): ` +
        `built in ${timing.buildMs} ms, ${(size / 1e6).toFixed(1)} MB, ` +
        `opened and drawn in ${timing.loadToRenderedMs} ms (page script ${scriptMs} ms); ` +
        `screenshots in ${ARTIFACTS}`,
    );
    await context.close();
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});
