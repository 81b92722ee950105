import Runtime from 'handlebars/runtime';
import { HELPERS, type Template } from './handlebars-helpers.js';
import { PRECOMPILED } from './precompiled-templates.js';
import { gitBlobId } from './blob-id.js';

/**
 * Handlebars' runtime (a third of the full library, no parser or compiler) with the one set of
 * helpers: it runs the templates the build precompiled, so generating a project never loads or
 * warms up the compiler (about 25 ms of a run, measured with bench/generation.mjs).
 */
const runtime = (Runtime as unknown as typeof import('handlebars')).create();
runtime.registerHelper(HELPERS);

/**
 * The template for this source: the build's precompiled one (every template in the bundle's pack),
 * or, running from the sources (the tests) or for a source the build did not see, one compiled
 * now; only then does the Handlebars compiler load (about 20 ms).
 */
export async function loadTemplate<T>(source: Buffer | string): Promise<Template<T>> {
  return (await precompiledTemplate<T>(source)) ?? (await import('./handlebars.js')).compileTemplate<T>(source.toString());
}

/**
 * The precompiled template for exactly this source, if the build made one (its chunk loads now).
 * A source as the build's pack handed it out (a Buffer) comes with its blob id, so only an edited
 * or foreign source is hashed here.
 */
export async function precompiledTemplate<T>(source: Buffer | string): Promise<Template<T> | undefined> {
  if (PRECOMPILED.size === 0) return undefined;
  const spec = await PRECOMPILED.get(gitBlobId(source))?.();
  return spec ? (runtime.template(spec as TemplateSpecification) as Template<T>) : undefined;
}
