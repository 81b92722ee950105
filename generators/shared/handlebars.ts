import Handlebars from 'handlebars';
import { COMPILE_OPTIONS, HELPERS, type Template } from './handlebars-helpers.js';

export type { Template } from './handlebars-helpers.js';

/**
 * The full Handlebars, with the helpers of generators/shared/handlebars-helpers.ts. It loads only
 * for a template the build did not precompile (the sources run by the tests), through
 * `loadTemplate` (./handlebars-runtime.ts); the bundled CLI renders with the runtime alone.
 */
const handlebars = Handlebars.create();
handlebars.registerHelper(HELPERS);

export async function compileTemplate<T>(source: string): Promise<Template<T>> {
  return handlebars.compile(source, COMPILE_OPTIONS) as Template<T>;
}
