import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeDir, tempDir } from '../helpers/paths.js';
import { pathWith, toolBin } from '../helpers/tools.js';

/**
 * Folder names with glob characters, registered with a workspace and then listed by the package
 * managers themselves (no install needed): a glob the CLI writes must name exactly the new
 * folder in the reading of npm, pnpm 10, pnpm 12 and Yarn 4, not only in the CLI's own matcher.
 */
const T = ['--template', 'worker', '--no-install', '--no-git'];

interface Manager {
  label: string;
  tool?: string;
  setup: (root: string) => Promise<void>;
  /** the workspace's package names, as the package manager lists them */
  list: (root: string, env: Record<string, string>) => Promise<string[]>;
  /** targets whose folder names carry glob characters */
  targets: string[];
}

const pnpm = (version: string): Manager => ({
  label: `pnpm ${version}`,
  tool: `pnpm@${version}`,
  setup: async (root) => {
    await writeFile(path.join(root, 'package.json'), '{ "name": "root", "private": true }\n');
    await writeFile(path.join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'apps/*'\n");
  },
  list: async (root, env) => {
    const { stdout } = await execa('pnpm', ['ls', '-r', '--depth', '-1', '--json'], { cwd: root, env });
    return (JSON.parse(stdout) as Array<{ name?: string }>).map((p) => p.name ?? '');
  },
  targets: ['./[cd]', 'x[y]/svc-two', './a(b)+c@d', 'g{h}/svc-three'],
});

const MANAGERS: Manager[] = [
  {
    label: 'npm',
    setup: async (root) => {
      await writeFile(path.join(root, 'package.json'), '{ "name": "root", "private": true, "workspaces": ["apps/*"] }\n');
    },
    list: async (root, env) => {
      const { stdout } = await execa('npm', ['pkg', 'get', 'name', '--workspaces', '--json'], { cwd: root, env });
      return Object.values(JSON.parse(stdout) as Record<string, { name?: string } | string>).map((v) => (typeof v === 'string' ? v : (v.name ?? '')));
    },
    targets: ['./[cd]', 'x[y]/svc-two', './a(b)+c@d', './!top'],
  },
  pnpm('10.33.0'),
  pnpm('12.23.0'),
  {
    label: 'Yarn 4',
    tool: '@yarnpkg/cli-dist@4.18.1',
    setup: async (root) => {
      await writeFile(path.join(root, 'package.json'), '{ "name": "root", "private": true, "packageManager": "yarn@4.18.1", "workspaces": ["apps/*"] }\n');
      await writeFile(path.join(root, '.yarnrc.yml'), 'nodeLinker: node-modules\nenableTelemetry: false\n');
    },
    list: async (root, env) => {
      const { stdout } = await execa('yarn', ['workspaces', 'list', '--json'], { cwd: root, env });
      return stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { name: string }).name);
    },
    targets: ['./[cd]', 'x[y]/svc-two', './a(b)+c@d', './!top'],
  },
];

let root: string;
beforeEach(async () => {
  root = await tempDir('loopsvc-globs-');
});
afterEach(async () => {
  await removeDir(root);
});

describe.each(MANAGERS)('$label lists every service registered under a name with glob characters', ({ tool, setup, list, targets }) => {
  it(`${targets.join(', ')}`, async () => {
    const env = { PATH: tool ? pathWith(await toolBin(tool)) : (process.env.PATH ?? ''), COREPACK_ENABLE_STRICT: '0' };
    await setup(root);
    const names: string[] = [];
    for (const target of targets) {
      const r = await runCli([target, ...T], { cwd: root, env });
      expect(r.exitCode, r.stderr).toBe(0);
      const pkg = JSON.parse(await readFile(path.join(root, target, 'package.json'), 'utf8')) as { name: string };
      names.push(pkg.name);
    }
    expect(new Set(names).size).toBe(targets.length);
    expect(await list(root, env)).toEqual(expect.arrayContaining(names));
  }, 180_000);
});

describe('pnpm: a folder no glob names literally in every pnpm is refused before anything is written', () => {
  it.each(['./!top', './a\\b'])('%s: exit 2, the workspace file unchanged', async (target) => {
    await pnpm('12.23.0').setup(root);
    const before = await readFile(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
    const r = await runCli([target, ...T], { cwd: root });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("pnpm's workspace globs cannot name");
    expect(await readFile(path.join(root, 'pnpm-workspace.yaml'), 'utf8')).toBe(before);
  });
});
