import { fileURLToPath } from 'node:url';

/**
 * The templates/ folder of this repository. This module stays at the top of generators/ because
 * a path from here is the same from the bundle's dist/, where esbuild puts every module.
 */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

/**
 * The build's pack of templates/ (scripts/pack-templates.mjs), beside the bundle's modules:
 * `dist/templates.pack`. Running from the sources (the tests), `generators/templates.pack`,
 * which never exists, so the templates are read from templates/ itself.
 */
export const TEMPLATES_PACK = fileURLToPath(new URL('./templates.pack', import.meta.url));
