import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADD_KINDS, KINDS } from '../../generators/add/kinds.js';
import { entryFor, entryFromModule } from '../../generators/add/naming.js';
import { mergeRegistrationPoint, readRegistrationPoint } from '../../generators/add/registration-point.js';
import { ADD_DIR, ADD_HELPERS, quote, renderIndex } from '../../generators/add/render-add.js';
import { TEMPLATES_DIR } from '../../generators/shared/render.js';

/** The registration point as the template ships it (before any `add`). */
async function shipped(kind: (typeof ADD_KINDS)[number]): Promise<string> {
  return readFile(path.join(TEMPLATES_DIR, KINDS[kind].template, KINDS[kind].index), 'utf8');
}

describe.each(ADD_KINDS)('the %s registration point', (kind) => {
  const spec = KINDS[kind];

  it(`ships in templates/${spec.template}/${spec.index} exactly as add renders it`, async () => {
    const text = await shipped(kind);
    const read = await readRegistrationPoint(kind, text);
    expect(read.ok, read.ok ? '' : read.problem).toBe(true);
    if (!read.ok) return;
    expect(read.entries.length).toBeGreaterThan(0);
    expect(await renderIndex(kind, read.entries)).toBe(text);
  });

  it('lists every module it imports, and each of them exists in the template', async () => {
    const read = await readRegistrationPoint(kind, await shipped(kind));
    if (!read.ok) throw new Error(read.problem);
    const files = await readdir(path.join(TEMPLATES_DIR, spec.template, spec.sourceDir));
    for (const entry of read.entries) expect(files).toContain(`${entry.module}.ts`);
  });

  it('stays canonical when an entry is added, whatever the order of the list', async () => {
    const read = await readRegistrationPoint(kind, await shipped(kind));
    if (!read.ok) throw new Error(read.problem);
    const added = entryFor(kind, spec.example);
    const a = await renderIndex(kind, [...read.entries, added]);
    const b = await renderIndex(kind, [added, ...read.entries].reverse());
    expect(a).toBe(b);
    const again = await readRegistrationPoint(kind, a);
    expect(again.ok && again.entries.map((e) => e.module)).toEqual([...read.entries, added].map((e) => e.module).sort());
  });

  it('accepts a whole entry removed by hand (its import and its list line)', async () => {
    const read = await readRegistrationPoint(kind, await shipped(kind));
    if (!read.ok) throw new Error(read.problem);
    const fewer = await renderIndex(kind, read.entries.slice(1));
    expect((await readRegistrationPoint(kind, fewer)).ok).toBe(true);
  });

  it.each([
    ['a hand-written line', (t: string) => t.replace(/\n\n/, '\nconst extra = 1;\n\n')],
    ['an import without its list line', (t: string) => t.replace(/(import \{ \w+ \} from '\.\/[a-z-]+\.js';\n)/, "$1import { zzzRoutes } from './zzz.js';\n")],
    ['a list line without its import', (t: string) => t.replace(/(\n\S.*[[{]\n)/, `$1  ${spec.suffix.toLowerCase()}Extra,\n`)],
    ['unsorted imports', (t: string) => {
      const imports = t.split('\n').filter((l) => l.startsWith('import {'));
      return t.replace(imports.join('\n'), [...imports].reverse().join('\n'));
    }],
    ['a changed header', (t: string) => t.replace('Do not edit it by hand', 'Edit freely')],
  ])('refuses %s, naming the file and the line', async (_what, edit) => {
    const text = await shipped(kind);
    const edited = edit(text);
    expect(edited).not.toBe(text);
    const read = await readRegistrationPoint(kind, edited);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problem).toMatch(new RegExp(`^${spec.index.replaceAll('.', '\\.')} (was edited by hand \\(line \\d+: .*\\), so it cannot be regenerated safely|was not written by create-loopsvc add)`));
  });
});

describe('a registration point checked out with CRLF line endings', () => {
  it('reads as the same entries, and says so, so a rewrite keeps them', async () => {
    const text = await shipped('job');
    const lf = await readRegistrationPoint('job', text);
    const crlf = await readRegistrationPoint('job', text.replaceAll('\n', '\r\n'));
    expect(crlf).toEqual(lf.ok ? { ...lf, eol: '\r\n' } : lf);
  });
});

describe('the encoders of add', () => {
  it('quote: a single-quoted TypeScript string for any text', () => {
    expect(quote(`it's a \\ path\nand \u2028`)).toBe(`'it\\'s a \\\\ path\\nand \\u2028'`);
    expect(new Function(`return ${quote("it's \\ \n")};`)()).toBe("it's \\ \n");
  });
});

describe('the templates of add', () => {
  it('are .hbs files that put values in through an encoding helper only', async () => {
    for (const kind of ADD_KINDS) {
      const dir = path.join(TEMPLATES_DIR, KINDS[kind].template, ADD_DIR, kind);
      const files = await readdir(dir);
      expect(files.sort()).toEqual([...(KINDS[kind].schemaModule ? ['entry.schemas.ts.hbs'] : []), 'entry.test.ts.hbs', 'entry.ts.hbs', 'index.ts.hbs']);
      for (const file of files) {
        const text = await readFile(path.join(dir, file), 'utf8');
        for (const [, expression] of text.matchAll(/\{\{([^}]*)\}\}/g)) {
          const helper = /^(\w+) (?:[\w.]+|\(concat [^()]*\))$/.exec(expression?.trim() ?? '')?.[1];
          const block = /^[#/](each|if|unless)\b|^else$/.test(expression?.trim() ?? '');
          expect(block || (helper !== undefined && (ADD_HELPERS as readonly string[]).includes(helper)), `${kind}/${file}: {{${expression}}}`).toBe(true);
        }
      }
    }
  });
});

describe('mergeRegistrationPoint (update)', () => {
  const routes = async (...names: string[]) => renderIndex('route', names.map((n) => entryFromModule('route', n)!));

  it('keeps the routes the user added and takes the ones the template added', async () => {
    const base = await routes('fanout', 'hash');
    const ours = await routes('fanout', 'hash', 'recent'); // create-loopsvc add route recent
    const theirs = await routes('fanout', 'hash', 'items'); // a newer template's example
    expect(await mergeRegistrationPoint('route', base, ours, theirs)).toBe(await routes('fanout', 'hash', 'items', 'recent'));
  });

  it('keeps a route the user removed removed, and drops one the template dropped', async () => {
    const base = await routes('fanout', 'hash');
    expect(await mergeRegistrationPoint('route', base, await routes('hash'), await routes('fanout', 'hash', 'items'))).toBe(await routes('hash', 'items'));
    expect(await mergeRegistrationPoint('route', base, await routes('fanout', 'hash', 'recent'), await routes('hash'))).toBe(await routes('hash', 'recent'));
  });

  it('is undefined when a side is not a registration point (the text is merged instead)', async () => {
    expect(await mergeRegistrationPoint('route', await routes('hash'), 'export const x = 1;\n', await routes('hash'))).toBeUndefined();
  });
});
