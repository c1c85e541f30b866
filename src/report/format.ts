/**
 * The terminal's durations, kept under their old address for cli/progress.ts alone (a file being
 * changed elsewhere); everything else imports core/units.ts, and so should it.
 */
export { formatDuration } from '../core/units.js';
