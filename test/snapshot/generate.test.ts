import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PackageManager } from '../../generators/package-manager.js';
import { withPackageManagerFiles } from '../../generators/pm-config.js';
import { describeOptions, optionMatrix, TEMPLATE_IDS, type OptionValues, type TemplateId } from '../../generators/registry.js';
import { templateData, TEMPLATES_DIR } from '../../generators/render.js';
import { planProject } from '../../generators/service-generator.js';

const SHARED_DIR = path.join(TEMPLATES_DIR, '_shared');

/** templates/_shared, which every template borrows: snapshotted once, below, not per template. */
async function sharedFiles(): Promise<Map<string, string>> {
  const entries = await readdir(SHARED_DIR, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.relative(SHARED_DIR, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  return new Map(await Promise.all(files.sort().map(async (f) => [f, await readFile(path.join(SHARED_DIR, f), 'utf8')] as const)));
}

const PM_VERSIONS: Record<PackageManager, string> = { npm: '11.19.1', pnpm: '12.23.0', yarn: '4.18.1', bun: '1.4.5' };

/**
 * The generated tree and every generated file, per template. The first option combination with
 * npm and the name "svc" is snapshotted whole; every other option combination, package manager
 * and name is snapshotted as its difference from that base, so a reviewer reads each template
 * once and then only what a choice changes.
 */
async function render(template: TemplateId, options: OptionValues, name = 'svc', pm: PackageManager = 'npm'): Promise<Map<string, string>> {
  // fixed versions, as a create run through that manager would report them
  const pmVersion = PM_VERSIONS[pm];
  const rendered = await planProject(templateData({ name, template, options, pm, pmVersion }));
  const plan = withPackageManagerFiles(rendered, { pm, version: pmVersion });
  return new Map(plan.map((f) => [f.path, f.contents.toString('utf8')]));
}

/** Files added or changed (with contents) and removed (null) relative to `base`. */
function difference(base: Map<string, string>, variant: Map<string, string>): Record<string, string | null> {
  const diff: Record<string, string | null> = {};
  for (const [path, text] of variant) if (base.get(path) !== text) diff[path] = text;
  for (const path of base.keys()) if (!variant.has(path)) diff[path] = null;
  return diff;
}

const NAME_VARIANTS: Array<{ label: string; name: string; pm: PackageManager }> = [
  { label: 'scoped name, pnpm', name: '@acme/orders-svc', pm: 'pnpm' },
  // the most awkward name npm accepts: dots, digits, underscores, a scope, markdown-active characters
  { label: 'awkward valid name, yarn', name: '@a.b/1_x-y.z', pm: 'yarn' },
  { label: 'bun', name: 'svc', pm: 'bun' },
];

it('templates/_shared, as every template receives it', async () => {
  for (const [file, text] of await sharedFiles()) expect(text).toMatchSnapshot(file);
});

describe.each(TEMPLATE_IDS)('templates/%s', (template) => {
  const [baseOptions = {}, ...otherOptions] = optionMatrix(template);

  it(`base render (${describeOptions(baseOptions)}, npm, name "svc")`, async () => {
    const files = await render(template, baseOptions);
    const shared = await sharedFiles();
    // the tree as a set, in one fixed order whatever order the plan lists it in
    expect([...files.keys()].sort((a, b) => a.localeCompare(b))).toMatchSnapshot('tree');
    for (const [file, text] of files) if (shared.get(file) !== text) expect(text).toMatchSnapshot(file);
  });

  it.each(otherOptions.map((options) => ({ label: describeOptions(options), options })))('$label: difference from the base', async ({ options }) => {
    expect(difference(await render(template, baseOptions), await render(template, options))).toMatchSnapshot();
  });

  it.each(NAME_VARIANTS)('$label: only the name and package manager change', async ({ name, pm }) => {
    const variant = await render(template, baseOptions, name, pm);
    const diff = difference(await render(template, baseOptions), variant);
    expect(Object.values(diff)).not.toContain(null);
    expect(diff).toMatchSnapshot();
    expect((JSON.parse(variant.get('package.json') ?? '{}') as { name?: string }).name).toBe(name);
  });
});
