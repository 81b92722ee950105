import Handlebars from 'handlebars';
import { jsonString, markdownText, quote, tsString } from './encode.js';

/**
 * The one Handlebars setup, for the project templates and the `add` templates alike: compiled
 * without HTML escaping and in strict mode (a missing value is an error, never an empty string),
 * with helpers that encode a value for its place, so the helpers are the only encoding that
 * happens: `md` (Markdown text), `json` (a JSON string), `tsString` (a double-quoted TypeScript
 * string), `quote` (a single-quoted one, the style of the templates), `ident` (an identifier,
 * checked), `comment` (text inside a comment, checked); `concat` only joins values for one of them.
 */
const handlebars = Handlebars.create();
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

handlebars.registerHelper('md', (value: unknown) => markdownText(String(value)));
handlebars.registerHelper('json', (value: unknown) => jsonString(String(value)));
handlebars.registerHelper('tsString', (value: unknown) => tsString(String(value)));
handlebars.registerHelper('quote', (value: unknown) => quote(String(value)));
handlebars.registerHelper('ident', (value: unknown) => {
  const text = String(value);
  if (!IDENTIFIER.test(text)) throw new Error(`not an identifier: ${JSON.stringify(text)}`);
  return text;
});
handlebars.registerHelper('comment', (value: unknown) => {
  const text = String(value);
  if (/\*\/|[\r\n\u2028\u2029]/.test(text)) throw new Error(`cannot go in a comment: ${JSON.stringify(text)}`);
  return text;
});
handlebars.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));

export type Template<T> = (data: T) => string;

export function compileTemplate<T>(source: string): Template<T> {
  return handlebars.compile(source, { noEscape: true, strict: true }) as Template<T>;
}
