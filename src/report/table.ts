/**
 * The comparison as terminal text: a title, an aligned table, then notes, warnings and the summary.
 * Pure: values in, a string out; colour only through the Style it is given.
 */

import type { Comparison } from '../measure/types.js';
import {
  adaptiveLines,
  COLUMNS,
  FAILED_RATE_MARK,
  failureLines,
  mismatchLines,
  RIGHT_ALIGNED,
  summaryLines,
  tableRow,
  titleLine,
  verdictLine,
  warningLines,
} from './model.js';
import { createStyle, type Style } from './style.js';
import { SWEEP_COLUMNS, sweepPeakLine, sweepRows, sweepTitle } from './sweep.js';

const GAP = '  ';
const PLAIN = createStyle(false);

/** Pads every cell to its column's width; `paint` colours a padded cell (so ANSI codes never skew widths). */
export function alignColumns(
  rows: readonly (readonly string[])[],
  rightAligned: ReadonlySet<number>,
  paint: (text: string, row: number, column: number) => string = (text) => text,
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row, r) =>
    row
      .map((cell, i) => {
        const padded = rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
        return paint(padded, r, i);
      })
      .join(GAP)
      .trimEnd(),
  );
}

/** The table alone: a header row, then one row per strategy; the fastest in bold green. */
export function renderTable(c: Comparison, style: Style = PLAIN): string {
  const rows = [[...COLUMNS], ...c.strategies.map(tableRow)];
  const lines = alignColumns(rows, RIGHT_ALIGNED, (text, row, column) => {
    if (row === 0) return style.bold(text);
    const s = c.strategies[row - 1]!;
    if (column === 0 && s.name === c.fastest && c.strategies.length > 1) return style.green(style.bold(text));
    if (column === 3 || column === 4) return style.dim(text);
    if (column === 0 && s.failed > 0) return style.red(text);
    return text;
  });
  return `${lines.join('\n')}\n`;
}

/** The summary lines, hyperfine-style, or nothing for a single strategy. */
export function renderSummary(c: Comparison, style: Style = PLAIN): string {
  const lines = summaryLines(c);
  if (lines.length === 0) return '';
  const fastest = c.fastest;
  if (fastest === undefined) return `${lines.join('\n')}\n`;
  return `${lines.map((line) => line.replace(fastest, style.green(style.bold(fastest)))).join('\n')}\n`;
}

/** Failures, mismatches and spread warnings, or nothing when there are none. */
export function renderNotes(c: Comparison, style: Style = PLAIN): string {
  const blocks = [
    failureLines(c).map((line) =>
      line.startsWith(' ') ? line : line.startsWith(FAILED_RATE_MARK) ? style.dim(line) : style.red(line),
    ),
    mismatchLines(c).map((line, i) => (i === 0 ? style.red(line) : line)),
    warningLines(c).map((line) => `${style.yellow('warning:')} ${line}`),
  ].filter((block) => block.length > 0);
  return blocks.map((block) => `${block.join('\n')}\n`).join('\n');
}

/** Throughput against level, with a bar per level, or nothing when the comparison was not a sweep. */
export function renderSweep(c: Comparison, style: Style = PLAIN): string {
  if (c.sweep === undefined) return '';
  const rows = [[...SWEEP_COLUMNS], ...sweepRows(c)];
  const lines = alignColumns(rows, new Set([0, 1, 2]), (text, row, column) => {
    if (row === 0) return style.bold(text);
    return column === 3 ? style.green(text) : text;
  });
  const peak = sweepPeakLine(c);
  return `${[style.bold(sweepTitle(c.sweep)), ...lines, ...(peak ? [peak] : [])].join('\n')}\n`;
}

/** Title, table, the sweep, notes and summary: what `fanout compare` prints. */
export function renderComparison(c: Comparison, style: Style = PLAIN): string {
  const parts = [`${style.dim(titleLine(c))}\n`, renderTable(c, style)];
  const limits = adaptiveLines(c);
  if (limits.length > 0) parts.push(`${limits.join('\n')}\n`);
  const sweep = renderSweep(c, style);
  if (sweep) parts.push(sweep);
  const notes = renderNotes(c, style);
  if (notes) parts.push(notes);
  const summary = renderSummary(c, style);
  if (summary) parts.push(summary);
  const verdict = verdictLine(c);
  if (verdict !== undefined) parts.push(`${style.bold(verdict)}\n`);
  return parts.join('\n');
}
