/**
 * Encoders for values that Handlebars puts into generated files, one per target context.
 * Templates are compiled with `noEscape`, so these helpers are the only encoding that happens:
 * HTML escaping never reaches a generated file.
 */

/** A TypeScript/JavaScript string literal (JSON is a subset; U+2028/9 escaped for old parsers). */
export function tsString(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A JSON string value, quotes included. */
export function jsonString(value: string): string {
  return JSON.stringify(value);
}

/** Inline Markdown text: every punctuation character that Markdown or HTML could read is escaped. */
export function markdownText(value: string): string {
  return value
    .replace(/[\\`*_{}[\]()#+\-.!|~>"'$]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, ' ');
}

/** A single-quoted TypeScript string literal (the style of the templates). */
export function quote(value: string): string {
  const escaped = value.replace(/[\\']/g, '\\$&').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `'${escaped}'`;
}
