/** The page's stylesheet: plain, readable, light or dark with the reader's system setting. */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #5b6470; --grid: #e3e6ea; --border: #d5dae0;
  --panel: #f5f7f9; --stripe: rgba(27, 31, 36, 0.035); --tip-bg: #1b1f24; --tip-fg: #ffffff;
  --warn-bg: #fff7e0; --warn-border: #d9a400; --bad: #c62828; --brush: rgba(47, 111, 222, 0.16);
  --c-sequential: #6b7280; --c-async: #0e9486; --c-threads: #2f6fde; --c-processes: #dd7400; --c-other: #8e6cc9;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121519; --fg: #e4e7eb; --muted: #9aa3ad; --grid: #2a2f37; --border: #353b44;
    --panel: #1a1e24; --stripe: rgba(255, 255, 255, 0.035); --tip-bg: #e4e7eb; --tip-fg: #121519;
    --warn-bg: #2d2610; --warn-border: #b38900; --bad: #ff6b6b; --brush: rgba(96, 165, 250, 0.2);
    --c-sequential: #9ca3af; --c-async: #2cc7b5; --c-threads: #5b9cf8; --c-processes: #f5923a; --c-other: #b394ec;
  }
}
.s-sequential { --c: var(--c-sequential); }
.s-async { --c: var(--c-async); }
.s-threads { --c: var(--c-threads); }
.s-processes { --c: var(--c-processes); }
.s-other { --c: var(--c-other); }
[hidden] { display: none !important; }
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
main, header.page, footer.page { max-width: 1040px; margin: 0 auto; padding: 0 20px; }
header.page { padding-top: 28px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.35em; margin: 44px 0 2px; padding-top: 16px; border-top: 1px solid var(--border); }
h3 { font-size: 1.05em; margin: 28px 0 6px; }
code { font: 0.92em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
a { color: var(--c-threads); }
.generated, .meta, .note, .lane-note, .empty { color: var(--muted); }
.note { margin: 0 0 10px; max-width: 75ch; }
.machine { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 12px 0 0; padding: 0; }
.machine div { display: flex; gap: 6px; }
.machine dt { color: var(--muted); }
.machine dd { margin: 0; font-weight: 600; }
.conclusion { margin: 14px 0 0; padding: 10px 14px; background: var(--panel); border-radius: 3px; overflow-wrap: anywhere; }
nav.contents ol { margin: 14px 0 0; padding-left: 22px; }
.verdict { margin: 16px 0; padding: 12px 16px; background: var(--panel); border-left: 5px solid var(--c); border-radius: 3px; }
.verdict-line { margin: 0; font-size: 1.2em; }
.verdict .kind { font-weight: 700; }
.verdict ul { margin: 8px 0 0; padding-left: 20px; }
.verdict { overflow-wrap: anywhere; }
.verdict.finding .verdict-line { font-size: 1.05em; }
.verdict.unsettled { --c: var(--warn-border); }
ul.summary { padding-left: 20px; }
.warnings { margin: 14px 0; padding: 10px 14px; background: var(--warn-bg); border-left: 5px solid var(--warn-border); border-radius: 3px; }
.warnings-title { margin: 0; font-weight: 700; }
.warnings ul { margin: 4px 0 0; padding-left: 20px; }
.control { display: inline-flex; gap: 6px; align-items: center; margin: 0 0 6px; color: var(--muted); cursor: pointer; }
figure { margin: 0; }
figure.timeline { margin: 14px 0 18px; }
figure.timeline figcaption strong { color: var(--c); }
figure.timeline figcaption::before {
  content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 6px; background: var(--c); border-radius: 2px;
}
.timeline-wrap { position: relative; margin-top: 4px; }
.timeline-canvas { display: block; width: 100%; height: 80px; cursor: crosshair; touch-action: pan-y; }
.brush { position: absolute; pointer-events: none; background: var(--brush); border: 1px solid var(--c-threads); }
.hover-mark { position: absolute; pointer-events: none; border: 2px solid var(--fg); border-radius: 2px; }
.reset-zoom { position: absolute; top: 4px; right: 16px; font: inherit; font-size: 12px; padding: 1px 8px; }
.lane-note { margin: 2px 0 0 100px; font-size: 0.87em; }
.chart-figure { margin: 6px 0 12px; }
svg.chart { display: block; width: 100%; max-width: 860px; height: auto; font: 12px system-ui, sans-serif; }
svg.chart text { fill: var(--fg); }
svg.chart .tick, svg.chart .row-note, svg.chart .dim, svg.chart .axis-title { fill: var(--muted); }
svg.chart .row-label { font-weight: 600; font-size: 13px; }
svg.chart .grid { stroke: var(--grid); }
svg.chart .axis { stroke: var(--muted); fill: none; }
svg.chart .bar { fill: var(--c); }
svg.chart .bar.cpu { fill-opacity: 0.42; }
svg.chart .legend-swatch { fill: var(--muted); }
svg.chart .legend-swatch.cpu { fill-opacity: 0.42; }
svg.chart .whisker { stroke: var(--fg); stroke-width: 1.5; fill: none; }
svg.chart .line { stroke: var(--c); stroke-width: 2.2; fill: none; }
svg.chart .line.dashed { stroke-dasharray: 6 4; stroke-width: 1.6; }
svg.chart .point { fill: var(--c); stroke: var(--bg); stroke-width: 1.5; }
svg.chart .point.dashed { fill: var(--bg); stroke: var(--c); }
svg.chart .marker { stroke: var(--fg); stroke-dasharray: 3 3; }
svg.chart .marker-label { font-weight: 600; }
svg.chart .frame { fill: none; stroke: var(--border); }
svg.chart .series { fill: none; stroke-width: 2; }
svg.chart .s-limit { stroke: var(--c-threads); }
svg.chart .s-throughput { stroke: var(--c-async); }
svg.chart .s-latency { stroke: var(--c-processes); }
svg.chart .hit { fill: transparent; }
svg.chart .hit:hover { fill: rgba(127, 127, 127, 0.15); }
svg.chart text.axis-name { font-weight: 600; }
.limit-figures { display: block; color: var(--muted); font-size: 0.9em; }
.table-wrap { overflow-x: auto; }
table.figures { border-collapse: collapse; width: 100%; font-size: 0.86em; font-variant-numeric: tabular-nums; }
table.figures th, table.figures td { padding: 6px 5px; border-bottom: 1px solid var(--border); text-align: right; white-space: nowrap; }
table.figures thead th { font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--border); cursor: help; vertical-align: bottom; }
table.figures th[scope="row"], table.figures thead th:first-child { text-align: left; }
table.figures tr.recommended { background: var(--panel); }
table.figures td.bad { color: var(--bad); font-weight: 700; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 7px; background: var(--c); border-radius: 2px; }
.badge { margin-left: 6px; padding: 0 6px; vertical-align: 1px; border-radius: 8px; font-size: 0.78em; font-weight: 600; color: var(--bg); background: var(--c); }
#fanout-tooltip {
  position: fixed; z-index: 10; pointer-events: none; white-space: pre-line; max-width: 320px;
  padding: 6px 9px; border-radius: 4px; background: var(--tip-bg); color: var(--tip-fg);
  font: 12px/1.45 system-ui, sans-serif; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25);
}
footer.page { margin: 48px auto 28px; color: var(--muted); font-size: 0.87em; }
@media print {
  .control, .reset-zoom, #fanout-tooltip { display: none !important; }
  h2 { break-before: page; }
}
`;
