// The build's precompiled `.hbs` templates (see generators/shared/precompiled-templates.ts): every
// template under templates/ compiled with the options the CLI compiles with, keyed by the git
// blob id of its source (the CLI hashes the source it renders, generators/shared/blob-id.ts). The
// specifications go into one module per folder that holds .hbs files (`_shared`, `http-fastify`,
// `worker/_options/source/redis`, ...), each loaded only when one of its templates is rendered:
// all of them together were about 110 KiB that every run parsed, for the two or three files it renders. The
// index module the bundle includes in place of the empty map holds only the hashes, each with a
// loader of its specification.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { gitBlobId } from './pack-templates.mjs';

/** generators/shared/handlebars-helpers.ts COMPILE_OPTIONS (test/unit/handlebars.test.ts keeps them equal) */
export const PRECOMPILE_OPTIONS = { noEscape: true, strict: true };

/** How the index imports a group's module: scripts/build.mjs resolves these to its chunks. */
export const groupSpecifier = (group) => `loopsvc-precompiled:${group}`;

/**
 * @param {string} templatesDir
 * @returns {Promise<{ count: number, files: string[], index: string, groups: Map<string, string> }>}
 */
export async function precompiledTemplatesModule(templatesDir, options = PRECOMPILE_OPTIONS, specifier = groupSpecifier) {
  const entries = await readdir(templatesDir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.hbs')).map((e) => path.join(e.parentPath, e.name)).sort();
  const byGroup = new Map();
  const groupOf = new Map();
  for (const file of files) {
    const bytes = await readFile(file);
    const source = bytes.toString('utf8');
    const hash = gitBlobId(bytes);
    if (groupOf.has(hash)) continue; // the same source twice: one specification serves both
    const group = path.relative(templatesDir, path.dirname(file)).split(path.sep).join('/');
    groupOf.set(hash, group);
    if (!byGroup.has(group)) byGroup.set(group, []);
    byGroup.get(group).push(`  [${JSON.stringify(hash)}, ${Handlebars.precompile(source, options)}],`);
  }
  const groups = new Map([...byGroup].map(([group, rows]) => [group, `export default new Map([\n${rows.join('\n')}\n]);\n`]));
  const names = [...byGroup.keys()];
  const loaders = names.map((group, n) => `const load${n} = () => import(${JSON.stringify(specifier(group))});`);
  const rows = [...groupOf].map(([hash, group]) => `  [${JSON.stringify(hash)}, () => load${names.indexOf(group)}().then((m) => m.default.get(${JSON.stringify(hash)}))],`);
  const index = `${loaders.join('\n')}\nexport const PRECOMPILED = new Map([\n${rows.join('\n')}\n]);\n`;
  return { count: groupOf.size, files, index, groups };
}
