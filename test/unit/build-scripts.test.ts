import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planMonorepo, withBuildScriptDecision } from '../../generators/create/monorepo.js';
import { findWorkspace } from '../../generators/shared/workspace.js';
import { addYamlMapEntry } from '../../generators/shared/yaml-edit.js';
import { removeDir, tempDir } from '../helpers/paths.js';

describe('addYamlMapEntry', () => {
  it.each([
    ['no map: appended, nothing else changes', "packages:\n- apps/*\n", "packages:\n- apps/*\nallowBuilds:\n  esbuild: false\n"],
    ['no trailing newline', 'packages: [apps/*]', 'packages: [apps/*]\nallowBuilds:\n  esbuild: false\n'],
    ['a block map: after its last entry, in its indentation', "allowBuilds:\n    sharp: true  # images\npackages:\n  - a/*\n", "allowBuilds:\n    sharp: true  # images\n    esbuild: false\npackages:\n  - a/*\n"],
    ['CRLF kept', 'packages:\r\n  - a/*\r\n', 'packages:\r\n  - a/*\r\nallowBuilds:\r\n  esbuild: false\r\n'],
  ])('%s', (_title, before, after) => {
    expect(addYamlMapEntry(before, 'allowBuilds', 'esbuild', false)).toBe(after);
  });

  it.each([
    ['a flow map', 'allowBuilds: { sharp: true }\n'],
    ['an entry already there', 'allowBuilds:\n  esbuild: true\n'],
    ['not YAML', 'packages: [a\n'],
  ])('leaves %s to the user (undefined)', (_title, before) => {
    expect(addYamlMapEntry(before, 'allowBuilds', 'esbuild', false)).toBeUndefined();
  });
});

describe('the root decides about esbuild\'s install script once, in the same edit as the registration', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir('loopsvc-builds-');
    await mkdir(path.join(root, 'apps'), { recursive: true });
  });
  afterEach(() => removeDir(root));

  // what a service whose dependencies bring esbuild (through tsx) asks of the root
  const plan = async () => {
    const mono = await planMonorepo((await findWorkspace(root))!, path.join(root, 'apps', 'orders'));
    await withBuildScriptDecision(mono, ['esbuild']);
    return mono;
  };

  it('pnpm: allowBuilds added to pnpm-workspace.yaml, announced', async () => {
    await writeFile(path.join(root, 'package.json'), '{ "name": "acme", "private": true }\n');
    await writeFile(path.join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'apps/*'\n");
    const mono = await plan();
    expect(mono.rootEdit?.after).toBe("packages:\n  - 'apps/*'\nallowBuilds:\n  esbuild: false\n");
    expect(mono.decisions.join('\n')).toContain('build scripts: allowBuilds esbuild: false added to pnpm-workspace.yaml');
  });

  it('pnpm: a root that already decided (allowBuilds or onlyBuiltDependencies) is left alone', async () => {
    await writeFile(path.join(root, 'package.json'), '{ "name": "acme", "private": true }\n');
    for (const yaml of ["packages:\n  - 'apps/*'\nallowBuilds:\n  esbuild: true\n", "packages:\n  - 'apps/*'\nonlyBuiltDependencies:\n  - esbuild\n"]) {
      await writeFile(path.join(root, 'pnpm-workspace.yaml'), yaml);
      expect((await plan()).rootEdit).toBeUndefined();
    }
  });

  it('npm: allowScripts added to the root package.json together with the new glob, formatting kept', async () => {
    await writeFile(path.join(root, 'package.json'), '{\r\n\t"name": "acme",\r\n\t"private": true,\r\n\t"workspaces": ["packages/*"]\r\n}\r\n');
    const mono = await plan();
    expect(mono.rootEdit?.after).toBe('{\r\n\t"name": "acme",\r\n\t"private": true,\r\n\t"workspaces": ["packages/*", "apps/*"],\r\n\t"allowScripts": {\r\n\t\t"esbuild": false\r\n\t}\r\n}\r\n');
  });
});
