/**
 * The shipped `.hbs` templates, precompiled by the build: a map from the git blob id of a
 * template's source (./blob-id.ts) to a loader of its Handlebars template specification (the specifications
 * live in one chunk per folder of templates/, loaded on first use). Empty here;
 * scripts/build.mjs replaces this module with the real map (scripts/precompile-templates.mjs), so
 * a source that is not in it (edited since the build) is simply compiled at run time.
 */
export const PRECOMPILED: ReadonlyMap<string, () => Promise<object | undefined>> = new Map();
