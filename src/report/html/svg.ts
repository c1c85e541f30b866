import { escapeHtml } from './escape.js';

/** A coordinate with at most one decimal: enough for SVG, short in the file. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** `<text>` with escaped content; `anchor` is start, middle or end. */
export function svgText(x: number, y: number, text: string, className = '', anchor = 'start'): string {
  const cls = className === '' ? '' : ` class="${className}"`;
  return `<text x="${px(x)}" y="${px(y)}" text-anchor="${anchor}"${cls}>${escapeHtml(text)}</text>`;
}

/** A hover title for an SVG shape (the browser shows it as a native tooltip). */
export function svgTitle(text: string): string {
  return `<title>${escapeHtml(text)}</title>`;
}

/** The outer `<svg>`: scales to the column's width, keeps its proportions, labelled for screen readers. */
export function svgRoot(
  width: number,
  height: number,
  chart: string,
  label: string,
  marks: number,
  body: string,
): string {
  return (
    `<svg class="chart" data-chart="${chart}" data-marks="${marks}" viewBox="0 0 ${width} ${px(height)}" ` +
    `role="img" aria-label="${escapeHtml(label)}" preserveAspectRatio="xMinYMin meet">${body}</svg>`
  );
}
