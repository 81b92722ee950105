import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_ENGINES } from '../../generators/shared/node-policy.js';
import { destinationPath, listTemplateFiles, renderHandlebars, renderPackageJson, templateData, TEMPLATES_DIR } from '../../generators/shared/render.js';
import { TEMPLATES, templateOptions } from '../../generators/shared/registry.js';
import { versionOf } from '../../generators/shared/versions.js';

const DATA = templateData({ name: 'svc', template: 'http-fastify', options: {}, pm: 'npm' });

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
  it('never HTML-escapes: the encoders are the only encoding', async () => {
    const out = await renderHandlebars('{{pmRun}} | {{md name}} | {{json name}} | {{tsString name}}', { ...DATA, name: `a&b<"'>` });
    expect(out).toBe(`npm run | a&amp;b&lt;\\"\\'\\> | "a&b<\\"'>" | "a&b<\\"'>"`);
  });

  it('fails on a variable the data does not have, instead of rendering nothing', async () => {
    await expect(renderHandlebars('{{nope}}', DATA)).rejects.toThrow(/nope/);
  });
});

describe('renderPackageJson', () => {
  it("keeps dependencies in npm's order when an overlay adds some", () => {
    const base = Buffer.from(JSON.stringify({ dependencies: { fastify: '*', pino: '*' }, devDependencies: { vitest: '*' } }));
    const overlay = Buffer.from(JSON.stringify({ dependencies: { '@opentelemetry/api': '*', grammy: '*' }, devDependencies: { '@types/node': '*' } }));
    const pkg = JSON.parse(renderPackageJson([base, overlay], DATA).toString()) as Record<string, Record<string, string>>;
    expect(Object.keys(pkg.dependencies!)).toEqual(['@opentelemetry/api', 'fastify', 'grammy', 'pino']);
    expect(Object.keys(pkg.devDependencies!)).toEqual(['@types/node', 'vitest']);
  });

  it('is data: name set, versions pinned from the one source, formatted like npm', () => {
    const raw = Buffer.from(JSON.stringify({ name: 'x', dependencies: { fastify: '*' }, devDependencies: { vitest: '*' } }));
    const out = renderPackageJson([raw], { ...DATA, name: '@acme/svc' }).toString();
    expect(JSON.parse(out)).toEqual({
      name: '@acme/svc',
      engines: { node: NODE_ENGINES },
      dependencies: { fastify: versionOf('fastify') },
      devDependencies: { vitest: versionOf('vitest') },
    });
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('refuses a dependency with no pinned version', () => {
    const raw = Buffer.from(JSON.stringify({ dependencies: { 'left-pad': '*' } }));
    expect(() => renderPackageJson([raw], DATA)).toThrow(/left-pad/);
  });

  it('merges an option overlay into the base: scripts and dependencies added, the rest kept', () => {
    const base = Buffer.from(JSON.stringify({ name: 'x', scripts: { build: 'tsc', test: 'vitest run' }, dependencies: { fastify: '*' } }));
    const overlay = Buffer.from(JSON.stringify({ scripts: { test: 'vitest run --bail 1' }, dependencies: { undici: '*' } }));
    expect(JSON.parse(renderPackageJson([base, overlay], DATA).toString())).toEqual({
      name: 'svc',
      engines: { node: NODE_ENGINES },
      scripts: { build: 'tsc', test: 'vitest run --bail 1' },
      dependencies: { fastify: versionOf('fastify'), undici: versionOf('undici') },
    });
  });
});

describe.each(TEMPLATES.map((t) => t.id))('templates/%s', (id) => {
  // templates/_shared is exempt: its ESLint rules use ESLint's own {{placeholder}} messages, and
  // only .hbs files are ever rendered, so a reader can still tell what is.
  it('keeps {{ out of every file that is not .hbs', async () => {
    const files = await listTemplateFiles(id);
    for (const file of files.filter((f) => !f.endsWith('.hbs'))) {
      const text = await readFile(path.join(TEMPLATES_DIR, id, file), 'utf8');
      expect(text.includes('{{'), `${file} contains {{`).toBe(false);
    }
  });

  it('uses only helpers in .hbs files, so every value is encoded for its context', async () => {
    // node.* and docker.* are derived from the Node policy and the package manager, with the
    // package name only in its validated npm form (no spaces, quotes or markdown)
    // _add/ holds the `add` sub-generators' files, with their own helpers (test/add guards them)
    const files = (await listTemplateFiles(id)).filter((f) => f.endsWith('.hbs') && !f.startsWith('_add/'));
    for (const file of files) {
      const text = await readFile(path.join(TEMPLATES_DIR, id, file), 'utf8');
      for (const [, expression] of text.matchAll(/\{\{\{?([^}]*)\}\}/g)) {
        expect(expression?.trim(), `${file}: {{${expression}}}`).toMatch(/^(md|json|tsString) name$|^(pmRun|pmInstall)$|^(node|docker)\.[\w.]+$|^[#/]?(if|unless|else)\b/);
      }
    }
  });

  it('lists every dependency with "*" and has a pinned version for each, in every layer', async () => {
    const manifests = (await listTemplateFiles(id)).filter((f) => path.posix.basename(f) === 'package.json');
    expect(manifests).toContain('package.json');
    for (const manifest of manifests) {
      const pkg = JSON.parse(await readFile(path.join(TEMPLATES_DIR, id, manifest), 'utf8')) as Record<string, Record<string, string> | undefined>;
      for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
        expect(version, `${manifest}: ${name}`).toBe('*');
        expect(versionOf(name), `${manifest}: ${name}`).toBeTypeOf('string');
      }
    }
  });

  it('has an overlay folder for every option value and none for values it does not offer', async () => {
    const overlays = new Set((await listTemplateFiles(id)).filter((f) => f.startsWith('_options/')).map((f) => f.split('/').slice(1, 3).join('/')));
    const offered = templateOptions(id).flatMap((o) => (o.kind === 'boolean' ? ['true', 'false'] : (o.choices ?? []).map((c) => c.value)).map((v) => `${o.key}/${v}`));
    for (const overlay of overlays) expect(offered, `_options/${overlay}`).toContain(overlay);
  });

  it('stores dotfiles as _name, so npm publishes them', async () => {
    const files = await listTemplateFiles(id);
    expect(files.filter((f) => path.posix.basename(f).startsWith('.'))).toEqual([]);
    expect(files).toContain('_gitignore');
  });
});
