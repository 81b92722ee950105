import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOptions, findTemplate, LAYERS, optionMatrix, TEMPLATES, type TemplateId } from '../../generators/shared/registry.js';
import { destinationPath, LAYERS_DIR, renderSources, templateData, TEMPLATES_DIR, type Source } from '../../generators/shared/render.js';
import { planProject } from '../../generators/create/service-generator.js';

/**
 * A project is assembled from the template's layers, its base folder and its option overlays; a
 * later one silently replaced an earlier one's file (the runner's README won over polling's only
 * by registry order). Every output path that more than one of them provides, in a combination of
 * options that can be chosen together, must be declared in the template's `overrides`.
 */

/** package.json is merged from every source by design (generators/shared/render.ts renderPackageJson). */
const MERGED = new Set(['package.json']);

interface Collision {
  file: string;
  from: string[];
}

/** Output paths more than one source provides (merged files aside), with the sources, in order. */
function collisions(sources: readonly Source[]): Collision[] {
  const providers = new Map<string, string[]>();
  for (const source of sources) {
    for (const file of source.files) {
      const target = destinationPath(file);
      if (!MERGED.has(target)) providers.set(target, [...(providers.get(target) ?? []), `${source.why}: ${file}`]);
    }
  }
  return [...providers].filter(([, from]) => from.length > 1).map(([file, from]) => ({ file, from }));
}

function variants(): Array<{ template: TemplateId; options: ReturnType<typeof optionMatrix>[number]; label: string }> {
  return TEMPLATES.flatMap((t) => optionMatrix(t.id).map((options) => ({ template: t.id, options, label: `${t.id} ${describeOptions(options)}` })));
}

describe('collisions', () => {
  it('finds two sources giving the same output path, also when only one of them is rendered', () => {
    const sources: Source[] = [
      { root: '/l', files: ['src/a.ts', '_env.example', 'package.json'], why: 'layer x' },
      { root: '/o', files: ['src/b.ts', '_env.example.hbs', 'package.json'], why: 'option k=v' },
    ];
    expect(collisions(sources)).toEqual([{ file: '.env.example', from: ['layer x: _env.example', 'option k=v: _env.example.hbs'] }]);
  });
});

describe.each(variants())('$label', ({ template, options }) => {
  it('takes each output path from one source, unless the registry declares the override', async () => {
    const declared = new Set(Object.keys(findTemplate(template)?.overrides ?? {}));
    const undeclared = collisions(await renderSources(template, options)).filter((c) => !declared.has(c.file));
    expect(undeclared).toEqual([]);
  });
});

describe.each(TEMPLATES.map((t) => t.id))('templates/%s overrides', (template) => {
  it('each replaces a file in at least one combination of options (none is stale)', async () => {
    const replaced = new Set<string>();
    for (const options of optionMatrix(template)) for (const c of collisions(await renderSources(template, options))) replaced.add(c.file);
    for (const file of Object.keys(findTemplate(template)?.overrides ?? {})) {
      expect(replaced, `${template}: override ${file}`).toContain(file);
    }
  });
});

describe('the layers', () => {
  it(`are exactly the folders of templates/${LAYERS_DIR}, and each is used by a template`, async () => {
    const folders = (await readdir(path.join(TEMPLATES_DIR, LAYERS_DIR), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(LAYERS).sort());
    const used = new Set(TEMPLATES.flatMap((t) => t.layers.map((l) => l.name)));
    expect([...used].sort()).toEqual(Object.keys(LAYERS).sort());
  });

  it('are the only files a template takes from outside its own folder: none from a sibling template', () => {
    for (const t of TEMPLATES) expect(Object.keys(t).filter((k) => !['id', 'title', 'description', 'guarantees', 'options', 'layers', 'overrides', 'http'].includes(k)), t.id).toEqual([]);
  });

  it('appear in --dry-run as `layer <name>`', async () => {
    const sources = await renderSources('telegram-grammy', { mode: 'webhook', telemetry: 'otel' });
    expect(sources.map((s) => s.why)).toEqual(expect.arrayContaining(['layer base', 'layer telemetry', 'layer http', 'layer cpu-pool', 'layer service-tests']));
    expect(sources.find((s) => s.why === 'layer http')?.files).toContain('src/plugins/drain.ts');
  });
});

/**
 * What the layers and the one README and .env.example per template promise about each variant:
 * every test helper it ships is used (a layer is taken whole, so a helper only some of its
 * templates need belongs in another layer), and the documents every README has are in each one.
 */
describe.each(variants())('$label, as generated', ({ template, options }) => {
  it('ships only test helpers and fixtures that one of its files uses', async () => {
    const files = await planProject(templateData({ name: 'svc', template, options, pm: 'npm' }));
    const texts = files.map((f) => ({ path: f.path, text: f.contents.toString('utf8') }));
    const helpers = files.map((f) => f.path).filter((f) => /^test\/(helpers|fixtures)\//.test(f));
    expect(helpers.length).toBeGreaterThan(0);
    const unused = helpers.filter((helper) => {
      // imported as ./helpers/x.js (the .ts file compiled) or preloaded as ./test/fixtures/x.mjs
      const specifier = `/${path.posix.basename(helper).replace(/\.ts$/, '.js')}`;
      return !texts.some((t) => t.path !== helper && t.text.includes(specifier));
    });
    expect(unused).toEqual([]);
  });

  it('has one README with the sections every generated README has, and names the package manager in it and in .env.example', async () => {
    const files = await planProject(templateData({ name: 'svc', template, options, pm: 'pnpm' }));
    const text = (file: string): string => files.find((f) => f.path === file)?.contents.toString('utf8') ?? '';
    const readme = text('README.md');
    expect(readme).toMatch(/^## Updating from the template$/m);
    expect(readme.includes('\n## Telemetry\n')).toBe(options.telemetry === 'otel');
    for (const file of ['README.md', '.env.example']) expect(text(file), file).not.toMatch(/\bnpm run\b/);
  });
});
