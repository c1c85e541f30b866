/** A Redis URL as messages show it: without its password. Loads no Redis client. */
import { redactUrl } from '../../core/options.js';

export function whereOf(url: string): string {
  return String(redactUrl(url));
}
