import { createHash } from 'node:crypto';
import { formatBytes, formatCount } from '../../core/units.js';
import { escapeHtml } from './escape.js';
import type { ReportData } from './types.js';

export interface PageParts {
  sections: string[];
  /** Already safe for a `<script type="application/json">` (see jsonForScript). */
  payloadJson: string;
  script: string;
  styles: string;
}

/**
 * The whole document. Its Content-Security-Policy allows exactly the inline style and script it carries
 * (by hash) and nothing from anywhere else: the page cannot make a network request, and markup that
 * slipped past escaping could not run.
 */
export function pageHtml(data: ReportData, parts: PageParts): string {
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(parts.styles)}'`,
    `script-src '${sha256(parts.script)}'`,
    'img-src data:',
  ].join('; ');
  const machine = data.machine;
  const facts: [string, string][] = [
    ['cores', formatCount(machine.cores)],
    ['memory', formatBytes(machine.memoryBytes)],
    ['CPU', machine.cpuModel],
    ['Node.js', machine.node],
    ['platform', machine.platform],
  ];
  const nav =
    data.sections.length > 1
      ? `<nav class="contents" aria-label="Jobs"><ol>${data.sections
          .map((s, i) => `<li><a href="#job-${i + 1}">${escapeHtml(s.title)}</a></li>`)
          .join('')}</ol></nav>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="fanout">
<link rel="icon" href="data:,">
<title>${escapeHtml(data.title)}</title>
<style>${parts.styles}</style>
</head>
<body>
<header class="page">
<h1>${escapeHtml(data.title)}</h1>
<p class="generated">Generated <time datetime="${escapeHtml(data.generatedAt)}">${escapeHtml(readableDate(data.generatedAt))}</time></p>
<dl class="machine" aria-label="Machine">${facts
    .map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`)
    .join('')}</dl>
${data.conclusion === undefined ? '' : `<p class="conclusion">${escapeHtml(data.conclusion)}</p>`}
${nav}
<noscript><p class="note">The timelines are drawn by the page's script; the charts and tables below do not need it.</p></noscript>
</header>
<main>
${parts.sections.join('\n')}
</main>
<footer class="page">Made by fanout. This file is self-contained: it loads nothing from the network.</footer>
<div id="fanout-tooltip" role="tooltip" hidden></div>
<script type="application/json" id="fanout-data">${parts.payloadJson}</script>
<script>${parts.script}</script>
</body>
</html>
`;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/** "2025-03-01T14:05:09.123Z" → "2025-03-01 14:05 UTC"; anything unparseable is shown as given. */
export function readableDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
