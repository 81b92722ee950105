import Handlebars from 'handlebars';
import { COMPILE_OPTIONS, HELPERS, type Template } from './handlebars-helpers.js';
import { precompiledTemplate } from './handlebars-runtime.js';

export type { Template } from './handlebars-helpers.js';

/**
 * The full Handlebars, with the helpers of generators/shared/handlebars-helpers.ts. It loads only for a
 * template the build did not precompile (a template edited after `npm run build`, the sources
 * run by the tests); the bundled CLI renders the shipped templates with the runtime alone.
 */
const handlebars = Handlebars.create();
handlebars.registerHelper(HELPERS);

export async function compileTemplate<T>(source: string): Promise<Template<T>> {
  return (await precompiledTemplate<T>(source)) ?? (handlebars.compile(source, COMPILE_OPTIONS) as Template<T>);
}
