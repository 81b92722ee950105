import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPackageManagerFiles } from '../../generators/shared/pm-config.js';
import { describeOptions, optionMatrix, type TemplateId } from '../../generators/shared/registry.js';
import { templateData } from '../../generators/shared/render.js';
import { planProject } from '../../generators/create/service-generator.js';
import { removeDir, REPO_ROOT, tempDir } from './paths.js';

const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');

/**
 * Every variant of `templates`, typechecked (`tsc --noEmit`, its `typecheck` script) and linted
 * (`eslint .`, its `lint` script: the loop rules and type-aware typescript-eslint) offline: the
 * project is written outside the repo with `node_modules` linked to the root's, whose
 * devDependencies hold every dependency of every template (the one source of their versions).
 * Nothing is installed from the registry; the e2e suite installs and runs them for real.
 * (Split over test files by template, so vitest's workers share the work.)
 */
export function checkVariantsOffline(templates: readonly TemplateId[]): void {
  const variants = templates.flatMap((template) => optionMatrix(template).map((options) => ({ template, options, label: `${template} ${describeOptions(options)}`.trim() })));
  let root: string;
  beforeAll(async () => {
    root = await tempDir('loopsvc-variants-');
  });
  afterAll(async () => {
    await removeDir(root);
  });

  describe.each(variants.map((v, i) => ({ ...v, i })))('$label, against the root node_modules', ({ template, options, i }) => {
    let dir: string;
    beforeAll(async () => {
      dir = path.join(root, `v${i}`);
      const plan = withPackageManagerFiles(await planProject(templateData({ name: 'svc', template, options, pm: 'npm' })), { pm: 'npm' });
      for (const file of plan) {
        const target = path.join(dir, ...file.path.split('/'));
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, file.contents);
      }
      await symlink(NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
    });

    it('typechecks', async () => {
      const r = await execa(process.execPath, [path.join(NODE_MODULES, 'typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], { cwd: dir, reject: false, timeout: 150_000, all: true });
      expect(r.all, 'tsc --noEmit').toBe('');
      expect(r.exitCode).toBe(0);
    }, 180_000);

    it('lints (exit 0, as its own `npm run lint`)', async () => {
      const r = await execa(process.execPath, [path.join(NODE_MODULES, 'eslint/bin/eslint.js'), '.'], { cwd: dir, reject: false, timeout: 210_000, all: true });
      expect(r.exitCode, r.all).toBe(0);
    }, 240_000);
  });
}
