import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PackageManager } from '../../generators/shared/package-manager.js';
import { withPackageManagerFiles } from '../../generators/shared/pm-config.js';
import { describeOptions, optionMatrix, TEMPLATE_IDS, type OptionValues, type TemplateId } from '../../generators/shared/registry.js';
import { templateData, TEMPLATES_DIR } from '../../generators/shared/render.js';
import { planProject } from '../../generators/create/service-generator.js';

const PM_VERSIONS: Record<PackageManager, string> = { npm: '11.19.1', pnpm: '12.23.0', yarn: '4.18.1', bun: '1.4.5' };

/**
 * What generation makes, per template: the tree (each file with where it comes from) and the
 * generated content (package.json, rendered .hbs files, files create-loopsvc writes or extends).
 * A file copied verbatim is not snapshotted: it is asserted byte for byte equal to its source
 * under templates/, which is reviewed as code. The first option combination with npm and the name
 * "svc" is the base; every other option combination, package manager and name is snapshotted as
 * its difference from the base, so a reviewer reads each template once and then only what a
 * choice changes.
 */
interface Rendered {
  text: string;
  origin: string;
}

async function render(template: TemplateId, options: OptionValues, name = 'svc', pm: PackageManager = 'npm'): Promise<Map<string, Rendered>> {
  // fixed versions, as a create run through that manager would report them
  const pmVersion = PM_VERSIONS[pm];
  const rendered = await planProject(templateData({ name, template, options, pm, pmVersion }));
  const plan = withPackageManagerFiles(rendered, { pm, version: pmVersion });
  return new Map(plan.map((f) => [f.path, { text: f.contents.toString('utf8'), origin: f.origin ?? 'written by create-loopsvc' }]));
}

/** The source of a file copied verbatim from one template file, with nothing added to it. */
function verbatimSource(origin: string): string | undefined {
  return /^templates\/(\S+) \([^)]*\), verbatim$/.exec(origin)?.[1];
}

/** The snapshot's view of one file: generated content as it is; a verbatim copy, checked, by its source. */
async function shown(file: string, { text, origin }: Rendered): Promise<string> {
  const source = verbatimSource(origin);
  if (source === undefined) return text;
  expect(text, `${file} is a verbatim copy of templates/${source}`).toBe(await readFile(path.join(TEMPLATES_DIR, source), 'utf8'));
  return `(verbatim copy of templates/${source})`;
}

/** Files added or changed (generated content, or the source of a verbatim copy) and removed (null) relative to `base`. */
async function difference(base: Map<string, Rendered>, variant: Map<string, Rendered>): Promise<Record<string, string | null>> {
  const diff: Record<string, string | null> = {};
  for (const [file, rendered] of variant) {
    const before = base.get(file);
    if (before?.text !== rendered.text || before.origin !== rendered.origin) diff[file] = await shown(file, rendered);
  }
  for (const file of base.keys()) if (!variant.has(file)) diff[file] = null;
  return diff;
}

const NAME_VARIANTS: Array<{ label: string; name: string; pm: PackageManager }> = [
  { label: 'scoped name, pnpm', name: '@acme/orders-svc', pm: 'pnpm' },
  // the most awkward name npm accepts: dots, digits, underscores, a scope, markdown-active characters
  { label: 'awkward valid name, yarn', name: '@a.b/1_x-y.z', pm: 'yarn' },
  { label: 'bun', name: 'svc', pm: 'bun' },
];

describe.each(TEMPLATE_IDS)('templates/%s', (template) => {
  const [baseOptions = {}, ...otherOptions] = optionMatrix(template);

  it(`base render (${describeOptions(baseOptions)}, npm, name "svc")`, async () => {
    const files = await render(template, baseOptions);
    // the tree as a set, in one fixed order whatever order the plan lists it in, with each file's source
    const tree = [...files].sort(([a], [b]) => a.localeCompare(b)).map(([file, { origin }]) => `${file}  ← ${origin}`);
    expect(tree).toMatchSnapshot('tree');
    let verbatim = 0;
    for (const [file, rendered] of files) {
      const text = await shown(file, rendered);
      if (verbatimSource(rendered.origin) === undefined) expect(text).toMatchSnapshot(file);
      else verbatim += 1;
    }
    expect(verbatim).toBeGreaterThan(files.size / 2); // most of a project is copied as it is
  });

  // a loop, not it.each: vitest shortens a long interpolated $label, which made one name end in "…"
  for (const options of otherOptions) {
    it(`${describeOptions(options)}: difference from the base`, async () => {
      expect(await difference(await render(template, baseOptions), await render(template, options))).toMatchSnapshot();
    });
  }

  it.each(NAME_VARIANTS)('$label: only the name and package manager change', async ({ name, pm }) => {
    const variant = await render(template, baseOptions, name, pm);
    const diff = await difference(await render(template, baseOptions), variant);
    expect(Object.values(diff)).not.toContain(null);
    expect(diff).toMatchSnapshot();
    expect((JSON.parse(variant.get('package.json')?.text ?? '{}') as { name?: string }).name).toBe(name);
  });
});
