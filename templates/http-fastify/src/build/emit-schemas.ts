import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The second half of `npm run build`, after tsc: `node dist/build/run.js` (./run.ts) calls emitSchemas.
 *
 * Schemas are written with TypeBox (src/schemas.ts and the `*.schemas.ts` modules next to the
 * routes): the TypeBox type provider types every handler from them. At runtime Fastify, ajv and
 * @fastify/swagger only read the JSON Schema inside each TypeBox value, and loading TypeBox itself
 * (several hundred modules) is the largest part of the startup time and memory. So this step
 * evaluates each compiled schema module once and writes it back as plain JSON: the built service
 * never loads TypeBox, the types still come from the TypeBox source, and the values are the same
 * (TypeBox keeps its own markers in non-enumerable properties, which JSON leaves out). Under tsx
 * and vitest the TypeBox source itself runs. A schema module exports JSON values only: a function
 * or a class there fails the build, naming the export.
 */

/** A module's source exporting the same values as `exports`, as plain JSON. */
export function schemaModuleSource(exports: Record<string, unknown>, from: string): string {
  const lines = [`// Written by \`npm run build\` (src/build/emit-schemas.ts) from ${from}: its values as JSON.`];
  for (const [name, value] of Object.entries(exports)) {
    const json = JSON.stringify(value);
    if (json === undefined || typeof value === 'function' || typeof value === 'bigint') {
      throw new TypeError(`${from}: export ${name} is not a JSON value; schema modules export schemas and plain data only`);
    }
    lines.push(`export const ${name} = ${json};`);
  }
  return `${lines.join('\n')}\n`;
}

/** Whether a path below dist/ is a compiled schema module. */
export function isSchemaModule(relative: string): boolean {
  const base = path.basename(relative);
  return base === 'schemas.js' || base.endsWith('.schemas.js');
}

async function emitOne(dist: string, relative: string): Promise<void> {
  const file = path.join(dist, relative);
  const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const from = `src/${relative.replaceAll(path.sep, '/').replace(/\.js$/, '.ts')}`;
  await writeFile(file, schemaModuleSource(exports, from));
  await rm(`${file}.map`, { force: true }); // it maps the TypeBox code, no longer this file
}

/** Rewrites every schema module under `dist` (tsc's outDir); resolves with their paths. */
export async function emitSchemas(dist: string): Promise<string[]> {
  const files = (await readdir(dist, { recursive: true })).filter(isSchemaModule);
  await Promise.all(files.map((relative) => emitOne(dist, relative)));
  return files;
}
