import * as draw from './client/draw.js';
import * as hover from './client/hover.js';
import { reportClient } from './client/main.js';
import * as shared from './shared.js';

/** What inlining needs of a function: its name and its source. */
type Inlined = { readonly name: string; toString(): string };

/** Every function the page's script is made of (core/units.ts's come through shared.ts), in the order they are inlined. */
export function clientFunctions(): Inlined[] {
  return [...Object.values(shared), ...Object.values(draw), ...Object.values(hover), reportClient].filter(
    (value) => typeof value === 'function',
  );
}

/**
 * The page's script, built from compiled functions (so it is type-checked and linted like the rest):
 * the helpers, then `reportClient`, run once on `window`. All of it sits in one function scope, so
 * nothing leaks into the page's globals. `__name` is defined because esbuild (through tsx) wraps
 * function declarations in calls to it when it compiles this file itself.
 */
export function clientScript(): string {
  return [
    '(function () {',
    "'use strict';",
    'var __name = function (target) { return target; };',
    ...clientFunctions().map((fn) => fn.toString()),
    'reportClient(window);',
    '})();',
  ].join('\n');
}
