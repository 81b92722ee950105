import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { yarnLinker } from '../../generators/create/monorepo.js';
import { removeDir, tempDir } from '../helpers/paths.js';

let root: string;
beforeEach(async () => {
  root = await tempDir('loopsvc-linker-');
});
afterEach(async () => {
  await removeDir(root);
});

const NO_ENV = {};

describe('yarnLinker: how a Yarn workspace lays out its dependencies', () => {
  it.each([
    ['nodeLinker: node-modules\n', 'node-modules'],
    ['nodeLinker: "pnpm"\n', 'pnpm'],
    ['nodeLinker: pnp\n', 'pnp'],
    ['yarnPath: .yarn/releases/yarn-4.18.1.cjs\n', 'pnp'], // Yarn 2+ without a linker: Plug'n'Play
  ])('.yarnrc.yml %j -> %s', async (rc, linker) => {
    await writeFile(path.join(root, '.yarnrc.yml'), rc);
    expect(await yarnLinker(root, NO_ENV)).toBe(linker);
  });

  it('without .yarnrc.yml: the packageManager field, then the lockfile format', async () => {
    await writeFile(path.join(root, 'package.json'), '{ "packageManager": "yarn@4.18.1" }\n');
    expect(await yarnLinker(root, NO_ENV)).toBe('pnp');
    await writeFile(path.join(root, 'package.json'), '{ "packageManager": "yarn@1.22.22" }\n');
    expect(await yarnLinker(root, NO_ENV)).toBe('node-modules');
    await writeFile(path.join(root, 'package.json'), '{}\n');
    await writeFile(path.join(root, 'yarn.lock'), '__metadata:\n  version: 8\n');
    expect(await yarnLinker(root, NO_ENV)).toBe('pnp');
    await writeFile(path.join(root, 'yarn.lock'), '# yarn lockfile v1\n');
    expect(await yarnLinker(root, NO_ENV)).toBe('node-modules');
  });

  it('YARN_NODE_LINKER wins over the file, as it does for Yarn', async () => {
    await writeFile(path.join(root, '.yarnrc.yml'), 'nodeLinker: pnp\n');
    expect(await yarnLinker(root, { YARN_NODE_LINKER: 'node-modules' })).toBe('node-modules');
  });
});
