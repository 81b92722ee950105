import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoopsvcError } from '../../generators/errors.js';
import { adaptToWorkspace, planMonorepo, workspacePackageManager } from '../../generators/monorepo.js';
import { coveredByGlobs, findWorkspace, pnpmPackages, servicesFolder, siblingScope } from '../../generators/workspace.js';
import { removeDir, tempDir } from '../helpers/paths.js';

describe('reading a workspace', () => {
  it('reads the block list of pnpm-workspace.yaml, and refuses shapes it cannot read', () => {
    expect(pnpmPackages("packages:\n  - 'apps/*'\n  - \"packages/*\" # libs\n  - tools\n\ncatalog:\n  x: 1\n")).toEqual(['apps/*', 'packages/*', 'tools']);
    expect(pnpmPackages('packages: [apps/*, packages/*]\n')).toBeUndefined();
    expect(pnpmPackages('catalog:\n  x: 1\n')).toEqual([]);
  });

  it('matches folders against the globs, negations included', () => {
    expect(coveredByGlobs('apps/orders', ['apps/*'])).toBe(true);
    expect(coveredByGlobs('services/orders', ['apps/*'])).toBe(false);
    expect(coveredByGlobs('apps/legacy', ['apps/*', '!apps/legacy'])).toBe(false);
    expect(coveredByGlobs('deep/a/b', ['deep/**'])).toBe(true);
  });

  it('prefers services/ over apps/ for services, and needs a glob for either', () => {
    expect(servicesFolder(['packages/*', 'apps/*'])).toBe('apps');
    expect(servicesFolder(['apps/*', 'services/*'])).toBe('services');
    expect(servicesFolder(['packages/*'])).toBeUndefined();
  });

  it('takes the scope most siblings share, and none without a majority', () => {
    expect(siblingScope(['@acme/web', '@acme/api', 'tools'])).toBe('@acme');
    expect(siblingScope(['@a/x', '@b/y', 'z'])).toBeUndefined();
    expect(siblingScope([])).toBeUndefined();
  });
});

describe('monorepo plans', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(async () => {
    await removeDir(root);
  });

  async function pnpmWorkspace(yaml: string) {
    await writeFile(path.join(root, 'package.json'), '{ "name": "root", "private": true }\n');
    await writeFile(path.join(root, 'pnpm-workspace.yaml'), yaml);
    const ws = await findWorkspace(path.join(root, 'apps'));
    if (!ws) throw new Error('no workspace found');
    return ws;
  }

  it('finds the root from below and takes pnpm from pnpm-workspace.yaml', async () => {
    const ws = await pnpmWorkspace("packages:\n  - 'apps/*'\n");
    expect(ws).toMatchObject({ root, globsFile: 'pnpm-workspace.yaml', globs: ['apps/*'], packageManager: 'pnpm' });
    expect(() => workspacePackageManager(ws, 'npm')).toThrow(/--pm npm, but the workspace .* uses pnpm/);
    expect(workspacePackageManager(ws, undefined)).toBe('pnpm');
  });

  it('adds an uncovered folder to pnpm-workspace.yaml in its own style, touching nothing else', async () => {
    const ws = await pnpmWorkspace('# monorepo\npackages:\n  - "apps/*"\n\ncatalog:\n  zod: ^3\n');
    const plan = await planMonorepo(ws, path.join(root, 'services', 'orders'));
    expect(plan.rootEdit?.after).toBe('# monorepo\npackages:\n  - "apps/*"\n  - "services/*"\n\ncatalog:\n  zod: ^3\n');
    expect(plan.decisions).toContain('registration: added "services/*" to pnpm-workspace.yaml');
  });

  it('stops with the exact line to add when the YAML is not a plain block list', async () => {
    const ws = await pnpmWorkspace('packages: [apps/*]\n');
    await expect(planMonorepo(ws, path.join(root, 'services', 'orders'))).rejects.toThrow(LoopsvcError);
    await expect(planMonorepo(ws, path.join(root, 'services', 'orders'))).rejects.toThrow(/add "packages:\\n {2}- 'services\/\*'"/);
  });

  it('adds to "workspaces" in package.json keeping its indentation', async () => {
    const before = '{\n    "name": "root",\n    "workspaces": [\n        "apps/*"\n    ]\n}\n';
    await writeFile(path.join(root, 'package.json'), before);
    const ws = await findWorkspace(root);
    const plan = await planMonorepo(ws!, path.join(root, 'services', 'orders'));
    expect(plan.rootEdit?.after).toBe('{\n    "name": "root",\n    "workspaces": [\n        "apps/*",\n        "services/*"\n    ]\n}\n');
  });

  it('reuses the root pins of shared dev tools where the ranges agree, and extends the tsconfig base', async () => {
    await writeFile(path.join(root, 'package.json'), JSON.stringify({ workspaces: ['apps/*'], devDependencies: { typescript: '^5.9.0', vitest: '^2.0.0', fastify: '^4.0.0' } }));
    await writeFile(path.join(root, 'tsconfig.base.json'), '{}');
    await mkdir(path.join(root, 'apps'));
    const ws = await findWorkspace(root);
    const target = path.join(root, 'apps', 'orders');
    const mono = await planMonorepo(ws!, target);
    const files = await adaptToWorkspace(
      [
        { path: 'package.json', contents: Buffer.from(JSON.stringify({ dependencies: { fastify: '^5.12.8' }, devDependencies: { typescript: '^5.9.3', vitest: '^4.1.12' } })) },
        { path: 'tsconfig.json', contents: Buffer.from('{"compilerOptions":{"strict":true}}') },
      ],
      mono,
      target,
    );
    const pkg = JSON.parse(files[0]!.contents.toString()) as Record<string, Record<string, string>>;
    expect(pkg.devDependencies).toEqual({ typescript: '^5.9.0', vitest: '^4.1.12' });
    expect(pkg.dependencies).toEqual({ fastify: '^5.12.8' }); // only shared dev tools, never runtime deps
    expect(JSON.parse(files[1]!.contents.toString())).toEqual({ extends: '../../tsconfig.base.json', compilerOptions: { strict: true } });
    expect(mono.decisions.join('\n')).toMatch(/kept vitest \^4\.1\.12; the root's \^2\.0\.0 does not satisfy it/);
    expect(await readFile(path.join(root, 'package.json'), 'utf8')).toContain('"vitest":"^2.0.0"');
  });
});
