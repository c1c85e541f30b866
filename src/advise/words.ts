/** Words for the verdict's reasons and the CLI that are not units (those are core/units.ts's). */

/** `async at 8`, `sequential`, `threads at 2×32` (2 workers, 32 tasks in flight on each). */
export function model(strategy: string, concurrency: number, inFlight = 1): string {
  if (strategy === 'sequential') return 'sequential';
  return inFlight > 1 ? `${strategy} at ${concurrency}×${inFlight}` : `${strategy} at ${concurrency}`;
}
