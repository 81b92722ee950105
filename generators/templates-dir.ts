import { fileURLToPath } from 'node:url';

/**
 * The shipped templates/ folder. This module stays at the top of generators/ because the path is
 * the same from here and from the bundle's dist/, where esbuild puts every module.
 */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));
