/**
 * The shipped `.hbs` templates, precompiled by the build: a map from the SHA-256 (hex) of a
 * template's source to its Handlebars template specification. Empty here; scripts/build.mjs
 * replaces this module with the real map (scripts/precompile-templates.mjs), so a source that is
 * not in it (edited since the build) is simply compiled at run time.
 */
export const PRECOMPILED: ReadonlyMap<string, object> = new Map();
