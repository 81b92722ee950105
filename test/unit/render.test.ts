import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { destinationPath, listTemplateFiles, renderHandlebars, renderPackageJson, TEMPLATES_DIR } from '../../generators/render.js';
import { TEMPLATES } from '../../generators/registry.js';
import { versionOf } from '../../generators/versions.js';

const DATA = { name: 'svc', template: 'http-fastify', pmRun: 'npm run', pmInstall: 'npm install' } as const;

describe('destinationPath', () => {
  it.each([
    ['_gitignore', '.gitignore'],
    ['_env.example', '.env.example'],
    ['README.md.hbs', 'README.md'],
    ['src/_x/y.ts', 'src/.x/y.ts'],
    ['src/main.ts', 'src/main.ts'],
  ])('%s → %s', (source, target) => {
    expect(destinationPath(source)).toBe(target);
  });
});

describe('renderHandlebars', () => {
  it('never HTML-escapes: the encoders are the only encoding', () => {
    const out = renderHandlebars('{{pmRun}} | {{md name}} | {{json name}} | {{tsString name}}', { ...DATA, name: `a&b<"'>` });
    expect(out).toBe(`npm run | a&amp;b&lt;\\"\\'\\> | "a&b<\\"'>" | "a&b<\\"'>"`);
  });

  it('fails on a variable the data does not have, instead of rendering nothing', () => {
    expect(() => renderHandlebars('{{nope}}', DATA)).toThrow(/nope/);
  });
});

describe('renderPackageJson', () => {
  it('is data: name set, versions pinned from the one source, formatted like npm', () => {
    const raw = Buffer.from(JSON.stringify({ name: 'x', dependencies: { fastify: '*' }, devDependencies: { vitest: '*' } }));
    const out = renderPackageJson(raw, { ...DATA, name: '@acme/svc' }).toString();
    expect(JSON.parse(out)).toEqual({
      name: '@acme/svc',
      dependencies: { fastify: versionOf('fastify') },
      devDependencies: { vitest: versionOf('vitest') },
    });
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('refuses a dependency with no pinned version', () => {
    const raw = Buffer.from(JSON.stringify({ dependencies: { 'left-pad': '*' } }));
    expect(() => renderPackageJson(raw, DATA)).toThrow(/left-pad/);
  });
});

describe.each(TEMPLATES.map((t) => t.id))('templates/%s', (id) => {
  it('keeps {{ out of every file that is not .hbs', async () => {
    const files = await listTemplateFiles(id);
    for (const file of files.filter((f) => !f.endsWith('.hbs'))) {
      const text = await readFile(path.join(TEMPLATES_DIR, id, file), 'utf8');
      expect(text.includes('{{'), `${file} contains {{`).toBe(false);
    }
  });

  it('uses only helpers in .hbs files, so every value is encoded for its context', async () => {
    const files = (await listTemplateFiles(id)).filter((f) => f.endsWith('.hbs'));
    for (const file of files) {
      const text = await readFile(path.join(TEMPLATES_DIR, id, file), 'utf8');
      for (const [, expression] of text.matchAll(/\{\{\{?([^}]*)\}\}/g)) {
        expect(expression?.trim(), `${file}: {{${expression}}}`).toMatch(/^(md|json|tsString) name$|^(pmRun|pmInstall)$/);
      }
    }
  });

  it('lists every dependency with "*" and has a pinned version for each', async () => {
    const pkg = JSON.parse(await readFile(path.join(TEMPLATES_DIR, id, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(Object.keys(deps).length).toBeGreaterThan(0);
    for (const [name, version] of Object.entries(deps)) {
      expect(version, name).toBe('*');
      expect(versionOf(name), name).toBeTypeOf('string');
    }
  });

  it('stores dotfiles as _name, so npm publishes them', async () => {
    const files = await listTemplateFiles(id);
    expect(files.filter((f) => path.posix.basename(f).startsWith('.'))).toEqual([]);
    expect(files).toContain('_gitignore');
  });
});
