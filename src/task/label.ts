import { fileURLToPath } from 'node:url';

/** The task module's name in messages: its file path, or the URL when it is not a file. */
export function taskLabel(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}
