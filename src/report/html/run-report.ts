/**
 * `fanout run --report FILE.html`: one self-contained page about a run: its summary, and under an
 * adaptive limit the limit over time beside throughput and latency (charts/limit-series.ts). No script:
 * its Content-Security-Policy allows its one inline style and nothing else. Values in, a string out.
 */

import type { RunSummary } from '../../run/run.js';
import { formatSummary } from '../run-lines.js';
import { limitSeriesChart } from './charts/limit-series.js';
import { escapeHtml } from './escape.js';
import { documentHead, readableDate, sha256 } from './page.js';

const STYLES = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #5b6470; --frame: #d5dae0;
  --limit: #2f6fde; --throughput: #0e9486; --latency: #dd7400; }
@media (prefers-color-scheme: dark) { :root { --fg: #e4e7eb; --bg: #121519; --muted: #9aa3ad; --frame: #353b44;
  --limit: #5b9cf8; --throughput: #2cc7b5; --latency: #f5923a; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 20px; }
h1 { font-size: 1.5em; margin: 0 0 4px; }
.generated, .note { color: var(--muted); }
pre { font: 13px/1.45 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: 16px 0; }
svg.chart { display: block; width: 100%; max-width: 760px; height: auto; }
svg .frame { fill: none; stroke: var(--frame); }
svg .series { fill: none; stroke-width: 2; }
svg .s-limit { stroke: var(--limit); }
svg .s-throughput { stroke: var(--throughput); }
svg .s-latency { stroke: var(--latency); }
svg .hit { fill: transparent; }
svg .hit:hover { fill: rgba(127, 127, 127, 0.15); }
svg .tick { stroke: var(--muted); }
svg text { fill: var(--muted); font-size: 12px; }
svg text.axis-name { fill: var(--fg); font-weight: 600; }
`;

export interface RunReportInfo {
  /** The task as the user named it. */
  task: string;
  /** Where the results went (a path, or `stdout`). */
  out: string;
  /** When the report was made: an ISO date. */
  generatedAt: string;
}

export function renderRunReport(summary: RunSummary, info: RunReportInfo): string {
  // img-src: the empty favicon (data:,), so the browser does not ask the network for one.
  const csp = ["default-src 'none'", `style-src '${sha256(STYLES)}'`, 'img-src data:'].join('; ');
  const adaptive = summary.adaptive;
  const chart =
    adaptive && limitSeriesChart(adaptive.series, adaptive.perWorker ? 'limit per worker' : 'limit');
  const figure = chart
    ? `<figure>${chart}<figcaption class="note">Each point is a stretch of the run: the ${
        adaptive!.perWorker ? 'tasks in flight per worker allowed' : 'limit of tasks in flight'
      } at its end, the tasks that ended in it per second, and their mean latency (from the start of a task to its end, as the limit measures it). Hover a stretch for its figures.</figcaption></figure>`
    : `<p class="note">${
        adaptive
          ? 'No task ended while the limit was measured: nothing to draw.'
          : 'The limit was fixed (no <code>adaptive</code> concurrency or tasks in flight): there is no limit over time to draw.'
      }</p>`;
  return `${documentHead(`fanout run: ${info.task}`, csp, STYLES)}
<body>
<main>
<h1>${escapeHtml(`fanout run: ${info.task}`)}</h1>
<p class="generated">Generated <time datetime="${escapeHtml(info.generatedAt)}">${escapeHtml(readableDate(info.generatedAt))}</time></p>
<pre>${escapeHtml(formatSummary(summary, info.out).join('\n'))}</pre>
${figure}
</main>
</body>
</html>
`;
}
