// The build's precompiled `.hbs` templates (see generators/precompiled-templates.ts): every
// template under templates/ compiled with the options the CLI compiles with, keyed by the SHA-256
// of its source, as the source text of an ES module the bundle includes in place of the empty map.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';

/** generators/handlebars-helpers.ts COMPILE_OPTIONS (test/unit/handlebars.test.ts keeps them equal) */
export const PRECOMPILE_OPTIONS = { noEscape: true, strict: true };

/** @param {string} templatesDir */
export async function precompiledTemplatesModule(templatesDir, options = PRECOMPILE_OPTIONS) {
  const entries = await readdir(templatesDir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.hbs')).map((e) => path.join(e.parentPath, e.name)).sort();
  const rows = new Map();
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    rows.set(createHash('sha256').update(source).digest('hex'), Handlebars.precompile(source, options));
  }
  const body = [...rows].map(([hash, spec]) => `  [${JSON.stringify(hash)}, ${spec}],`).join('\n');
  return { count: rows.size, files, code: `export const PRECOMPILED = new Map([\n${body}\n]);\n` };
}
