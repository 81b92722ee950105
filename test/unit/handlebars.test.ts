import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { COMPILE_OPTIONS } from '../../generators/shared/handlebars-helpers.js';
import { precompiledTemplate } from '../../generators/shared/handlebars-runtime.js';
import { optionMatrix, TEMPLATE_IDS } from '../../generators/shared/registry.js';
import { templateData, TEMPLATES_DIR } from '../../generators/shared/render.js';
import { planProject } from '../../generators/create/service-generator.js';
import { PRECOMPILE_OPTIONS, precompiledTemplatesModule } from '../../scripts/precompile-templates.mjs';
import { REPO_ROOT } from '../helpers/paths.js';

// The map the bundle gets from scripts/build.mjs, filled and emptied by the tests below (the
// sources, which the other tests run, have an empty one: everything is compiled at run time).
type Loaders = Map<string, () => Promise<object | undefined>>;
const precompiled = vi.hoisted(() => new Map() as Map<string, () => Promise<object | undefined>>);
vi.mock('../../generators/shared/precompiled-templates.js', () => ({ PRECOMPILED: precompiled }));

/** The build's index and group modules, written as files (each group is its own module, as in dist/). */
async function loadBuildMap(): Promise<Loaders> {
  const dir = path.join(REPO_ROOT, 'node_modules', '.vitest-precompiled', String(process.pid));
  await mkdir(dir, { recursive: true });
  const groupFile = (group: string) => path.join(dir, `group-${group.replaceAll('/', '+')}.mjs`);
  const { index, groups } = await precompiledTemplatesModule(TEMPLATES_DIR, PRECOMPILE_OPTIONS, (group) => pathToFileURL(groupFile(group)).href);
  for (const [group, code] of groups) await writeFile(groupFile(group), code);
  const file = path.join(dir, 'index.mjs');
  await writeFile(file, index);
  return ((await import(pathToFileURL(file).href)) as { PRECOMPILED: Loaders }).PRECOMPILED;
}

async function hbsSources(): Promise<string[]> {
  const entries = await readdir(TEMPLATES_DIR, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.hbs')).map((e) => path.join(e.parentPath, e.name));
}

describe('templates precompiled by the build', () => {
  it('are compiled with the options the CLI compiles with', () => {
    expect(PRECOMPILE_OPTIONS).toEqual(COMPILE_OPTIONS);
  });

  it('are split by folder: the index holds no specification, each folder\'s module holds that folder\'s', async () => {
    const { index, groups } = await precompiledTemplatesModule(TEMPLATES_DIR);
    expect(index).not.toContain('"main":function');
    const folders = new Set((await hbsSources()).map((file) => path.relative(TEMPLATES_DIR, path.dirname(file)).split(path.sep).join('/')));
    expect(new Set(groups.keys())).toEqual(folders);
    for (const code of groups.values()) expect(code).toContain('"main":function');
  });

  it('cover every shipped .hbs file, project and `add` templates alike', async () => {
    precompiled.clear();
    for (const [hash, spec] of await loadBuildMap()) precompiled.set(hash, spec);
    const sources = await hbsSources();
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) expect(await precompiledTemplate(await readFile(file, 'utf8')), file).toBeTypeOf('function');
    expect(await precompiledTemplate('{{name}} edited since the build')).toBeUndefined();
    precompiled.clear();
  });

  it.each(TEMPLATE_IDS)('render every variant of %s exactly as the compiler does', async (template) => {
    const build = await loadBuildMap();
    for (const options of optionMatrix(template)) {
      const data = templateData({ name: '@acme/svc', template, options, pm: 'pnpm', pmVersion: '12.23.0' });
      precompiled.clear();
      const compiled = await planProject(data);
      for (const [hash, spec] of build) precompiled.set(hash, spec);
      const fromRuntime = await planProject(data);
      precompiled.clear();
      expect(fromRuntime.map((f) => [f.path, f.contents.toString('utf8')])).toEqual(compiled.map((f) => [f.path, f.contents.toString('utf8')]));
    }
  });
});
