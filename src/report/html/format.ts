import { formatDuration, formatSignificant } from './shared.js';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1024-based, three significant digits: "512 MiB", "7.75 GiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatSignificant(value)} ${BYTE_UNITS[unit]}`;
}

/** Tasks per second: "1,234 /s", "12.3 /s". */
export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? `${formatSignificant(perSecond)} /s` : '—';
}

/** A speed-up factor: "1.93 ×". */
export function formatFactor(factor: number | undefined): string {
  return factor !== undefined && Number.isFinite(factor) ? `${factor.toFixed(2)} ×` : '—';
}

/** A fraction as a whole percentage: 0.934 → "93 %". */
export function formatPercent(fraction: number | undefined): string {
  return fraction !== undefined && Number.isFinite(fraction) ? `${Math.round(fraction * 100)} %` : '—';
}

/** Two durations in the unit of the larger: "2.53–2.73 s", "812–950 ms". */
export function formatDurationRange(minMs: number, maxMs: number): string {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs)) return '—';
  const larger = formatDuration(maxMs);
  const unit = larger.slice(larger.lastIndexOf(' ') + 1);
  const divisor = unit === 's' ? 1000 : unit === 'ms' ? 1 : 0.001;
  return `${formatSignificant(minMs / divisor)}–${larger}`;
}
