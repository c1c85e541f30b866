/** Figures in plain words, for the verdict's reasons and the CLI. */

/** A duration: `0.004 ms`, `0.4 ms`, `51 ms`, `1.2 s`, `3 min 20 s`. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'unknown';
  if (value < 0.01) return `${value.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')} ms`;
  if (value < 1) return `${value.toFixed(2).replace(/0$/, '')} ms`;
  if (value < 10) return `${value.toFixed(1)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(value / 60_000);
  if (minutes >= 120) return `${(value / 3_600_000).toFixed(1)} h`;
  return `${minutes} min ${Math.round((value % 60_000) / 1000)} s`;
}

/** A fraction as a percentage: `3%`, `0.4%`, `97%`. */
export function percent(fraction: number): string {
  const value = fraction * 100;
  return `${value < 1 && value > 0 ? value.toFixed(1) : Math.round(value)}%`;
}

/** A size: `120 B`, `2.4 kB`, `1.5 MB`. */
export function bytes(value: number): string {
  if (value < 1000) return `${Math.round(value)} B`;
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)} kB`;
  return `${(value / 1_000_000).toFixed(1)} MB`;
}

/** A rate: `38 tasks/s`, `1.2k tasks/s`. */
export function rate(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1000)}k tasks/s`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k tasks/s`;
  if (value >= 10) return `${Math.round(value)} tasks/s`;
  return `${value.toFixed(1)} tasks/s`;
}

/** A ratio: `1.9×`. */
export function times(value: number): string {
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)}×`;
}

/** `async at 8`, `sequential`. */
export function model(strategy: string, concurrency: number): string {
  return strategy === 'sequential' ? 'sequential' : `${strategy} at ${concurrency}`;
}
