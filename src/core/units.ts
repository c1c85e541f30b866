/**
 * Units: how every figure fanout prints reads, in the terminal tables, the advisor's words, the run's
 * lines, Markdown and the HTML report alike. One convention:
 *
 * - three significant figures ("45.6 ms", "1.23 s", "812 µs"); whole numbers from 100 up, their
 *   thousands grouped with commas whatever the locale ("1,234");
 * - durations in µs, ms or s; spans of a whole job (elapsed, ETA, projections) in min and h past a
 *   minute ("2 min 05 s", "1 h 02 min");
 * - bytes 1024-based with IEC names (B, KiB, MiB, GiB, TiB), as `ps` and `top` count RSS;
 * - a space between a number and its unit, "%", "×" and "/s" included ("97 %", "1.93 ×", "16.2 /s");
 * - a dash for a figure that is missing (NaN, ±Infinity, undefined).
 *
 * The HTML report's script embeds these functions with `Function.prototype.toString` (through
 * report/html/shared.ts, see report/html/script.ts), so each may call only the others in this file
 * and language built-ins: no imports, no module-level constants.
 */

/** Thousands grouped with commas, whatever the reader's locale: 100000 → "100,000". */
export function groupThousands(value: number): string {
  const [whole = '', fraction] = String(value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Three significant figures, whole and grouped from 100 up: 4.20, 37.7, 812, 1,234; a dash for none. */
export function formatSignificant(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  // From 99.95 the third figure is the units digit; toPrecision would also turn 1234 into "1.23e+3".
  if (Math.abs(value) >= 99.95) return groupThousands(Math.round(value));
  return value.toPrecision(3);
}

/** A duration given in ms, in the unit that reads best: "812 µs", "45.6 ms", "1.23 s", "75.3 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms === 0) return '0 ms';
  const abs = Math.abs(ms);
  // Each unit starts where the one below would round to 1,000: 999.6 ms reads "1.00 s".
  if (abs >= 999.5) return `${formatSignificant(ms / 1000)} s`;
  if (abs >= 0.9995) return `${formatSignificant(ms)} ms`;
  return `${formatSignificant(ms * 1000)} \u00b5s`;
}

/**
 * A span of a whole job (elapsed time, ETA, a projection), given in ms: like formatDuration under a
 * minute, then to the second or the minute: "2 min 05 s", "1 h 02 min".
 */
export function formatLongDuration(ms: number): string {
  const SECOND_MS = 1000;
  const MINUTE_MS = 60 * SECOND_MS;
  // 59.95 s would read "60.0 s": from there on, minutes.
  const LONG_FROM_MS = 59.95 * SECOND_MS;
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < LONG_FROM_MS) return formatDuration(ms);
  const sign = ms < 0 ? '-' : '';
  const seconds = Math.round(abs / SECOND_MS);
  if (seconds < 60 * 60) {
    return `${sign}${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  }
  const minutes = Math.round(abs / MINUTE_MS);
  return `${sign}${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Two durations in ms, the unit said once when both share it: "2.53–2.73 s", "812 ms–1.20 s". */
export function formatDurationRange(minMs: number, maxMs: number): string {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs)) return '—';
  const low = formatDuration(minMs);
  const high = formatDuration(maxMs);
  const lowSpace = low.lastIndexOf(' ');
  const sameUnit = low.slice(lowSpace) === high.slice(high.lastIndexOf(' '));
  return `${sameUnit ? low.slice(0, lowSpace) : low}–${high}`;
}

/** 1024-based with IEC names, as `ps` and `top` count RSS: "512 B", "1.00 KiB", "48.2 MiB", "7.75 GiB". */
export function formatBytes(bytes: number): string {
  const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  const STEP = 1024;
  if (!Number.isFinite(bytes)) return '—';
  let value = bytes;
  let unit = 0;
  // Up a unit from 1023.5, so that nothing reads "1,024" of a unit.
  while (Math.abs(value) >= STEP - 0.5 && unit < UNITS.length - 1) {
    value /= STEP;
    unit++;
  }
  // A byte is not divided: below 1 KiB, a whole number.
  return unit === 0 ? `${groupThousands(Math.round(value))} B` : `${formatSignificant(value)} ${UNITS[unit]}`;
}

/** A whole number with grouped thousands: 99999.6 → "100,000"; a dash for none. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? groupThousands(Math.round(value)) : '—';
}

/** Per second, three significant figures, with what is counted when the context does not say it: "16.2 /s", "1,234 tasks/s". */
export function formatRate(perSecond: number, what = ''): string {
  if (!Number.isFinite(perSecond)) return '—';
  return `${formatSignificant(perSecond)} ${what}/s`;
}

/** A fraction as a percentage, whole but for a share under 1 %: 0.973 → "97 %", 0.004 → "0.4 %". */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '—';
  const percent = fraction * 100;
  // Rounded to a whole number, a small real share (0.4 %) would read as none.
  if (percent !== 0 && Math.abs(percent) < 0.95) return `${percent.toFixed(1)} %`;
  return `${groupThousands(Math.round(percent))} %`;
}

/** How many times: a speed-up, a spread: "1.93 ×", "39.9 ×", "544 ×"; a dash where there is nothing to compare. */
export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${formatSignificant(ratio)} ×`;
}
