/** Words for the verdict's reasons and the CLI that are not units (those are core/units.ts's). */

/** `async at 8`, `sequential`. */
export function model(strategy: string, concurrency: number): string {
  return strategy === 'sequential' ? 'sequential' : `${strategy} at ${concurrency}`;
}
