import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoopsvcError } from '../../generators/shared/errors.js';
import { adaptToWorkspace, planMonorepo, workspacePackageManager } from '../../generators/create/monorepo.js';
import { coveredByGlobs } from '../../generators/shared/workspace-globs.js';
import { escapeGlob, escapeGlobForNpm, findWorkspace, servicesFolder, siblingScope } from '../../generators/shared/workspace.js';
import { pnpmCatalogs, pnpmPackages } from '../../generators/shared/yaml-edit.js';
import { removeDir, tempDir } from '../helpers/paths.js';

describe('reading a workspace', () => {
  it('reads the packages of pnpm-workspace.yaml with a YAML parser, in every layout, and refuses what is not a list', () => {
    expect(pnpmPackages("packages:\n  - 'apps/*'\n  - \"packages/*\" # libs\n  - tools\n\ncatalog:\n  x: 1\n")).toEqual(['apps/*', 'packages/*', 'tools']);
    expect(pnpmPackages('packages:\n- apps/*\n- libs/*\n')).toEqual(['apps/*', 'libs/*']); // zero indent
    expect(pnpmPackages('packages: [apps/*, packages/*]\n')).toEqual(['apps/*', 'packages/*']);
    expect(pnpmPackages('packages:\n  [apps/*,\n   "libs/*"]\n')).toEqual(['apps/*', 'libs/*']);
    expect(pnpmPackages('catalog:\n  x: 1\n')).toEqual([]);
    expect(pnpmPackages('packages: apps/*\n')).toBeUndefined();
    expect(pnpmPackages('packages:\n  - [nested]\n')).toBeUndefined();
    expect(pnpmPackages('packages: [unclosed\n')).toBeUndefined();
  });

  it('reads the default and the named pnpm catalogs', () => {
    expect(pnpmCatalogs('catalog:\n  typescript: ^5.9.0\ncatalogs:\n  test:\n    vitest: ^4.0.0\n')).toEqual({ default: { typescript: '^5.9.0' }, test: { vitest: '^4.0.0' } });
    expect(pnpmCatalogs('catalogs:\n  default:\n    zod: ^3\n')).toEqual({ default: { zod: '^3' } });
  });

  it('matches folders against the globs as the package managers do: negations anywhere, ./ and trailing /', () => {
    expect(coveredByGlobs('apps/orders', ['apps/*'])).toBe(true);
    expect(coveredByGlobs('apps/orders', ['./apps/*/'])).toBe(true);
    expect(coveredByGlobs('services/orders', ['apps/*'])).toBe(false);
    expect(coveredByGlobs('apps/legacy', ['apps/*', '!apps/legacy'])).toBe(false);
    expect(coveredByGlobs('apps/legacy', ['!apps/legacy', 'apps/*'])).toBe(false);
    expect(coveredByGlobs('deep/a/b', ['deep/**'])).toBe(true);
  });

  it('escapes glob characters for npm as one-character classes, and refuses braces it would expand', () => {
    expect(escapeGlobForNpm('[ab]')).toBe('[[]ab[]]');
    expect(escapeGlobForNpm('a(b)+@*?')).toBe('a[(]b[)][+][@][*][?]');
    expect(escapeGlobForNpm('x{1,2}')).toBeUndefined();
    expect(coveredByGlobs('[ab]', ['[[]ab[]]'])).toBe(true);
    expect(coveredByGlobs('a', ['[[]ab[]]'])).toBe(false);
    expect(coveredByGlobs('!svc', ['./!svc'])).toBe(true);
    expect(coveredByGlobs('svc', ['./!svc'])).toBe(false);
  });

  it('escapes glob characters in folder names, so a glob for "[ab]" or "!svc" matches only that folder', () => {
    expect(escapeGlob('[ab]')).toBe('\\[ab\\]');
    // pnpm 12 refuses `\!`, `\+` and `\@`; pnpm 10 reads them bare as literals too
    expect(escapeGlob('a(b)+c@d!e*?')).toBe('a\\(b\\)+c@d!e\\*\\?');
    expect(escapeGlob('a\\b')).toBeUndefined();
    expect(coveredByGlobs('[ab]', [escapeGlob('[ab]')!])).toBe(true);
    expect(coveredByGlobs('a', [escapeGlob('[ab]')!])).toBe(false);
    expect(coveredByGlobs('a(b)+c@d!e', [escapeGlob('a(b)+c@d!e')!])).toBe(true);
    expect(coveredByGlobs('x{1,2}', [escapeGlob('x{1,2}')!])).toBe(true);
    expect(coveredByGlobs('x1', [escapeGlob('x{1,2}')!])).toBe(false);
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

  it('stops with the exact line to add when packages is not a list', async () => {
    const ws = await pnpmWorkspace('packages: apps/*\n');
    await expect(planMonorepo(ws, path.join(root, 'services', 'orders'))).rejects.toThrow(LoopsvcError);
    await expect(planMonorepo(ws, path.join(root, 'services', 'orders'))).rejects.toThrow(/add "packages:\\n {2}- 'services\/\*'"/);
  });

  it.each([
    ['a zero-indent list', 'packages:\n- apps/*\n- libs/* # libraries\n\ncatalog:\n  zod: ^3\n', 'packages:\n- apps/*\n- libs/* # libraries\n- services/*\n\ncatalog:\n  zod: ^3\n'],
    ['a flow list on the next line', 'packages:\n  [apps/*, "libs/*"]\n', 'packages:\n  [apps/*, "libs/*", "services/*"]\n'],
    ['an inline flow list', "packages: ['apps/*'] # all\n", "packages: ['apps/*', 'services/*'] # all\n"],
    ['CRLF with comments', "# root\r\npackages:\r\n  # apps\r\n  - 'apps/*'\r\n", "# root\r\npackages:\r\n  # apps\r\n  - 'apps/*'\r\n  - 'services/*'\r\n"],
    ['no packages yet', 'catalog:\n  zod: ^3\n', "catalog:\n  zod: ^3\npackages:\n  - 'services/*'\n"],
  ])('adds to pnpm-workspace.yaml with %s, changing no other byte, and the result parses', async (_, before, after) => {
    const ws = await pnpmWorkspace(before);
    const plan = await planMonorepo(ws, path.join(root, 'services', 'orders'));
    expect(plan.rootEdit?.after).toBe(after);
    expect(pnpmPackages(after)).toEqual([...(pnpmPackages(before) ?? []), 'services/*']);
  });

  it('a folder a negated glob excludes is refused (exit 2), never "registered" with a useless glob', async () => {
    const ws = await pnpmWorkspace("packages:\n  - 'packages/*'\n  - '!packages/legacy'\n");
    await expect(planMonorepo(ws, path.join(root, 'packages', 'legacy'))).rejects.toMatchObject({ code: 'WORKSPACE_EXCLUDES_TARGET', exitCode: 2 });
  });

  it.each([
    ['[ab]', '\\[ab\\]'],
    ['a(b)+c', 'a\\(b\\)+c'],
  ])('a folder named %s at the root is registered with its name escaped', async (name, glob) => {
    const ws = await pnpmWorkspace("packages:\n  - 'apps/*'\n");
    const plan = await planMonorepo(ws, path.join(root, name));
    expect(pnpmPackages(plan.rootEdit!.after)).toEqual(['apps/*', glob]);
    expect(coveredByGlobs(name, pnpmPackages(plan.rootEdit!.after)!)).toBe(true);
  });

  it.each(['!svc', '!x/svc', 'a\\b'])('in a pnpm workspace, %s (no glob every pnpm reads literally) is refused before writing, exit 2', async (target) => {
    const ws = await pnpmWorkspace("packages:\n  - 'apps/*'\n");
    await expect(planMonorepo(ws, path.join(root, target))).rejects.toMatchObject({ code: 'WORKSPACE_GLOB_UNSAFE', exitCode: 2 });
  });

  it.each([
    ['!svc', './!svc'],
    ['[ab]', '[[]ab[]]'],
    ['!x/svc', './!x/*'],
  ])('in npm workspaces, %s is registered as %s (the form npm reads literally)', async (target, glob) => {
    await writeFile(path.join(root, 'package.json'), '{ "workspaces": ["apps/*"] }\n');
    const plan = await planMonorepo((await findWorkspace(root))!, path.join(root, target));
    expect(plan.rootEdit?.after).toBe(`{ "workspaces": ["apps/*", ${JSON.stringify(glob)}] }\n`);
  });

  it('edits package.json keeping its BOM, CRLF, tabs, inline arrays, numbers, escapes and duplicate keys', async () => {
    const before = '\uFEFF{\r\n\t"name": "root",\r\n\t"big": 12345678901234567890,\r\n\t"v": 1.0,\r\n\t"e": "\\u00e9",\r\n\t"workspaces": ["apps/*"],\r\n\t"name": "dup"\r\n}\r\n';
    await writeFile(path.join(root, 'package.json'), before);
    const ws = await findWorkspace(root);
    expect(ws?.globs).toEqual(['apps/*']); // a BOM does not hide the workspace
    const plan = await planMonorepo(ws!, path.join(root, 'services', 'orders'));
    expect(plan.rootEdit?.before).toBe(before);
    expect(plan.rootEdit?.after).toBe(before.replace('["apps/*"]', '["apps/*", "services/*"]'));
  });

  it('writes catalog: for the dependencies a pnpm catalog lists, when its range agrees', async () => {
    const ws = await pnpmWorkspace("packages:\n  - 'apps/*'\ncatalog:\n  typescript: ^5.9.0\n  fastify: ^4.0.0\ncatalogs:\n  test:\n    vitest: ^4.1.0\n");
    const target = path.join(root, 'apps', 'orders');
    const mono = await planMonorepo(ws, target);
    const [pkg] = await adaptToWorkspace(
      [{ path: 'package.json', contents: Buffer.from(JSON.stringify({ dependencies: { fastify: '^5.12.8', pino: '^10.0.0' }, devDependencies: { typescript: '^5.9.3', vitest: '^4.1.12' } })) }],
      mono,
      target,
    );
    expect(JSON.parse(pkg!.contents.toString())).toEqual({ dependencies: { fastify: '^5.12.8', pino: '^10.0.0' }, devDependencies: { typescript: 'catalog:', vitest: 'catalog:test' } });
    expect(mono.decisions).toContain("versions: kept fastify ^5.12.8; the default catalog's ^4.0.0 does not satisfy it");
    expect(mono.decisions).toContain('versions: from the pnpm catalog: typescript (catalog: ^5.9.0), vitest (catalog:test ^4.1.0)');
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
