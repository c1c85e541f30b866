import { reportClient } from './client.js';
import * as shared from './shared.js';

/**
 * The page's script, built from compiled functions (so it is type-checked and linted like the rest):
 * the helpers of shared.ts, then `reportClient`, run once on `window`. All of it sits in one function
 * scope, so nothing leaks into the page's globals. `__name` is defined in case a bundler that keeps
 * function names (esbuild, tsx) has wrapped a declaration in a call to it.
 */
export function clientScript(): string {
  const helpers = Object.values(shared)
    .filter((value) => typeof value === 'function')
    .map((fn) => fn.toString());
  return [
    '(function () {',
    "'use strict';",
    'var __name = function (target) { return target; };',
    ...helpers,
    reportClient.toString(),
    'reportClient(window);',
    '})();',
  ].join('\n');
}
