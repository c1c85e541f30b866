/**
 * Numbers as the reports print them: three significant figures, units a person reads at a glance.
 */

const KIB = 1024;
const MIB = KIB * 1024;
const GIB = MIB * 1024;

/** 3 significant figures, without the exponent notation `toPrecision` falls into for large values. */
function sig3(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `1.23 s`, `45.6 ms`, `812 µs`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (Math.abs(ms) >= 1000) return `${sig3(ms / 1000)} s`;
  if (Math.abs(ms) >= 1) return `${sig3(ms)} ms`;
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
