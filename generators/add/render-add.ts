import type { Template } from '../shared/handlebars-helpers.js';
import { loadTemplate } from '../shared/handlebars-runtime.js';
import { templateFiles } from '../shared/template-files.js';
import { KINDS, type AddKind } from './kinds.js';
import type { Entry } from './naming.js';

/**
 * Renders the files of `add` from `templates/<id>/_add/<kind>/*.hbs`, with the one Handlebars
 * setup (generators/shared/handlebars.ts). Every value goes in through a helper that encodes it for its
 * place: `ident` (an identifier), `quote` (a single-quoted TypeScript string) and `comment` (text
 * inside a comment); `concat` only joins values, for one of those to encode.
 */

/** The `_add` folder: its files belong to the generator, not to generated projects. */
export const ADD_DIR = '_add';

/** The files each kind renders, relative to `_add/<kind>/`. */
export const ADD_FILES = {
  source: 'entry.ts.hbs',
  test: 'entry.test.ts.hbs',
  index: 'index.ts.hbs',
} as const;

/** The schema module of a kind with `schemaModule` (routes), relative to `_add/<kind>/`. */
export const ADD_SCHEMAS_FILE = 'entry.schemas.ts.hbs';

/** The encoders a value may go in through; `concat` is allowed only inside one of them. */
export const ADD_HELPERS = ['ident', 'quote', 'comment'] as const;

export { quote } from '../shared/encode.js';

/** What the entry templates see. */
export interface EntryData {
  entry: Entry;
  /** what the code matches on: the URL path `/orders`, the command `ping`, the job type `invoice.send` */
  key: string;
  /** the module, from the project root: `src/routes/orders.ts` */
  sourceFile: string;
  /** the module path from the test file: `../../src/routes/orders.js` */
  sourceImport: string;
}

/** What the index template sees: the entries, sorted by module. */
export interface IndexData {
  entries: readonly (Entry & { importPath: string })[];
}

type Compiled = Template<EntryData | IndexData>;
const cache = new Map<string, Compiled>();

async function template(kind: AddKind, file: string): Promise<Compiled> {
  const key = `${kind}/${file}`;
  let compiled = cache.get(key);
  if (!compiled) {
    // the pack's bytes as they are: their blob id, which finds the precompiled template, comes with them
    compiled = await loadTemplate<EntryData | IndexData>(templateFiles().read(`${KINDS[kind].template}/${ADD_DIR}/${kind}/${file}`));
    cache.set(key, compiled);
  }
  return compiled;
}

export async function renderEntryFiles(entry: Entry): Promise<{ source: string; test: string; schemas?: string }> {
  const { sourceDir, schemaModule } = KINDS[entry.kind];
  const data: EntryData = {
    entry,
    key: entry.kind === 'route' ? `/${entry.name}` : entry.name,
    sourceFile: `${sourceDir}/${entry.module}.ts`,
    sourceImport: `../../${sourceDir}/${entry.module}.js`,
  };
  const [source, test, schemas] = await Promise.all([
    template(entry.kind, ADD_FILES.source),
    template(entry.kind, ADD_FILES.test),
    schemaModule ? template(entry.kind, ADD_SCHEMAS_FILE) : undefined,
  ]);
  return { source: source(data), test: test(data), ...(schemas ? { schemas: schemas(data) } : {}) };
}

export async function renderIndex(kind: AddKind, entries: readonly Entry[]): Promise<string> {
  const sorted = [...entries].sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  const data: IndexData = { entries: sorted.map((entry) => ({ ...entry, importPath: `./${entry.module}.js` })) };
  return (await template(kind, ADD_FILES.index))(data);
}
