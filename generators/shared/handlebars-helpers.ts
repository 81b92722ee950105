import { jsonString, markdownText, quote, tsString } from './encode.js';

/**
 * The helpers of the one Handlebars setup, for the project templates and the `add` templates
 * alike: they encode a value for its place, so the helpers are the only encoding that happens:
 * `md` (Markdown text), `json` (a JSON string), `tsString` (a double-quoted TypeScript string),
 * `quote` (a single-quoted one, the style of the templates), `ident` (an identifier, checked),
 * `comment` (text inside a comment, checked); `concat` only joins values for one of them;
 * `eq` only compares, for a section that one option value has (`{{#if (eq options.mode 'webhook')}}`).
 * Registered on the full Handlebars (generators/shared/handlebars.ts) and on its runtime, which runs the
 * templates the build precompiled (generators/shared/handlebars-runtime.ts).
 */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export const HELPERS: Record<string, (...args: unknown[]) => string | boolean> = {
  md: (value) => markdownText(String(value)),
  json: (value) => jsonString(String(value)),
  tsString: (value) => tsString(String(value)),
  quote: (value) => quote(String(value)),
  ident: (value) => {
    const text = String(value);
    if (!IDENTIFIER.test(text)) throw new Error(`not an identifier: ${JSON.stringify(text)}`);
    return text;
  },
  comment: (value) => {
    const text = String(value);
    if (/\*\/|[\r\n\u2028\u2029]/.test(text)) throw new Error(`cannot go in a comment: ${JSON.stringify(text)}`);
    return text;
  },
  concat: (...args) => args.slice(0, -1).map(String).join(''),
  eq: (a, b) => a === b,
};

/**
 * How every template compiles: without HTML escaping, and strict (a missing value is an error,
 * never an empty string). scripts/precompile-templates.mjs precompiles with the same options.
 */
export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

export type Template<T> = (data: T) => string;
