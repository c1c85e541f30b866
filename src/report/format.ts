/**
 * Numbers as the reports print them: three significant figures, units a person reads at a glance.
 */

const KIB = 1024;
const MIB = KIB * 1024;
const GIB = MIB * 1024;

/** 3 significant figures (9.999 → `10.0`), without the exponent notation `toPrecision` uses past 1000. */
function sig3(value: number): string {
  return Math.abs(value) >= 99.95 ? value.toFixed(0) : value.toPrecision(3);
}

/** `1.23 s`, `45.6 ms`, `812 µs`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  // Thresholds just below the unit, so 999.6 ms reads `1.00 s` rather than `1000 ms`.
  if (Math.abs(ms) >= 999.5) return `${sig3(ms / 1000)} s`;
  if (Math.abs(ms) >= 0.9995) return `${sig3(ms)} ms`;
  return `${sig3(ms * 1000)} µs`;
}

/** `48.2 MB` (binary units, as `ps` and `top` count). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes >= GIB) return `${sig3(bytes / GIB)} GB`;
  if (bytes >= MIB) return `${sig3(bytes / MIB)} MB`;
  if (bytes >= KIB) return `${sig3(bytes / KIB)} kB`;
  return `${bytes} B`;
}

/** Tasks per second: `16.2`, `1,234`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  if (perSecond >= 1000) return Math.round(perSecond).toLocaleString('en-US');
  return sig3(perSecond);
}

/** `1.93 ×`, `39.9 ×`; a dash where there is nothing to compare with. */
export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${ratio >= 10 ? sig3(ratio) : ratio.toFixed(2)} ×`;
}

/** `87 %`. */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${Math.round(fraction * 100)} %`;
}

/** `1.20 s … 1.31 s`. */
export function formatRange(min: number, max: number): string {
  return `${formatDuration(min)} … ${formatDuration(max)}`;
}
