/**
 * The comparison as Markdown: the same table as the terminal's, then the summary, notes and warnings.
 * Pure: values in, a string out.
 */
import type { Comparison } from '../measure/types.js';
import {
  adaptiveLines,
  COLUMNS,
  failureLines,
  mismatchLines,
  RIGHT_ALIGNED,
  summaryLines,
  tableRow,
  titleLine,
  verdictLine,
  warningLines,
} from './model.js';
import { SWEEP_COLUMNS, sweepPeakLine, sweepRows, sweepTitle } from './sweep.js';

/** A table cell: pipes and line breaks would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

export function renderMarkdownTable(c: Comparison): string {
  const rule = COLUMNS.map((_, i) => (RIGHT_ALIGNED.has(i) ? '---:' : '---'));
  const body = c.strategies.map((s) => {
    const cells = tableRow(s);
    if (s.name === c.fastest && c.strategies.length > 1) cells[0] = `**${cells[0]}**`;
    return row(cells);
  });
  return `${[row(COLUMNS), `|${rule.join('|')}|`, ...body].join('\n')}\n`;
}

function bullets(lines: readonly string[]): string {
  return `${lines.map((line) => (line.startsWith('  ') ? `  - ${line.trimStart()}` : `- ${line}`)).join('\n')}\n`;
}

/** Throughput against level, or nothing when the comparison was not a sweep. */
export function renderMarkdownSweep(c: Comparison): string {
  if (c.sweep === undefined) return '';
  const rule = SWEEP_COLUMNS.map((_, i) => (i < 3 ? '---:' : '---'));
  const lines = [
    `**${cell(sweepTitle(c.sweep))}**`,
    '',
    row(SWEEP_COLUMNS),
    `|${rule.join('|')}|`,
    ...sweepRows(c).map(row),
  ];
  const peak = sweepPeakLine(c);
  if (peak) lines.push('', peak);
  return `${lines.join('\n')}\n`;
}

export function renderMarkdown(c: Comparison): string {
  const parts = [`${cell(titleLine(c))}\n`, renderMarkdownTable(c)];
  const limits = adaptiveLines(c);
  if (limits.length > 0) parts.push(`**Adaptive limits**\n\n${bullets(limits)}`);
  const sweep = renderMarkdownSweep(c);
  if (sweep) parts.push(sweep);
  const summary = summaryLines(c);
  if (summary.length > 0) parts.push(bullets(summary));
  const verdict = verdictLine(c);
  if (verdict !== undefined) parts.push(`**${cell(verdict)}**\n`);
  const failures = failureLines(c);
  if (failures.length > 0) parts.push(`**Failures**\n\n${bullets(failures)}`);
  const mismatches = mismatchLines(c);
  if (mismatches.length > 0) parts.push(`**Mismatches**\n\n${bullets(mismatches)}`);
  const warnings = warningLines(c);
  if (warnings.length > 0) parts.push(`**Warnings**\n\n${bullets(warnings)}`);
  return parts.join('\n');
}
