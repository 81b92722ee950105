import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { emulateDockerBuild } from '../helpers/dockerfile.js';
import { removeDir, tempDir } from '../helpers/paths.js';
import { runSmoke } from '../helpers/smoke.js';
import { pathWith, toolBin } from '../helpers/tools.js';

/**
 * Monorepo mode end to end: a workspace made by the test (npm workspaces, a pnpm workspace and
 * Yarn 4 workspaces, the last two with their package manager from the npm registry), one service
 * of each template generated inside, one install at the root, then every service's build, lint,
 * typecheck and tests.
 */
const MINUTES = 60_000;
/** the current pnpm: 11 and 12 fail an install whose build scripts the root has not decided on */
const PNPM = 'pnpm@12.23.0';
/** Yarn 4, on node_modules: a Plug'n'Play workspace is refused with the fix (test/cli/write-safety.test.ts) */
const YARN = '@yarnpkg/cli-dist@4.18.1';

const SERVICES = [
  { arg: 'orders', dir: 'apps/orders', template: 'http-fastify', name: '@acme/orders' },
  { arg: 'bot', dir: 'apps/bot', template: 'telegram-grammy', name: '@acme/bot' },
  // a path the workspace globs do not cover: the root file gains "services/*"
  { arg: 'services/jobs', dir: 'services/jobs', template: 'worker', name: '@acme/jobs' },
] as const;

const exists = (file: string) => access(file).then(() => true, () => false);

interface Monorepo {
  kind: string;
  pm: 'npm' | 'pnpm' | 'yarn';
  /** the package manager's package, when it is not the machine's npm */
  tool?: string;
  lockfile: string;
  setup: (root: string) => Promise<void>;
  globs: (root: string) => Promise<string>;
}

const MONOREPOS: Monorepo[] = [
  {
    kind: 'npm workspaces',
    pm: 'npm',
    lockfile: 'package-lock.json',
    setup: async (root) => {
      await writeFile(path.join(root, 'package.json'), `${JSON.stringify({ name: 'acme', private: true, workspaces: ['apps/*'] }, null, 2)}\n`);
    },
    globs: (root) => readFile(path.join(root, 'package.json'), 'utf8'),
  },
  {
    kind: 'pnpm workspace',
    pm: 'pnpm',
    tool: PNPM,
    lockfile: 'pnpm-lock.yaml',
    setup: async (root) => {
      await writeFile(path.join(root, 'package.json'), `${JSON.stringify({ name: 'acme', private: true }, null, 2)}\n`);
      await writeFile(path.join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'apps/*'\n");
    },
    globs: (root) => readFile(path.join(root, 'pnpm-workspace.yaml'), 'utf8'),
  },
  {
    kind: 'Yarn 4 workspaces',
    pm: 'yarn',
    tool: YARN,
    lockfile: 'yarn.lock',
    setup: async (root) => {
      const pkg = { name: 'acme', private: true, packageManager: `yarn@${YARN.split('@').at(-1)}`, workspaces: ['apps/*'] };
      await writeFile(path.join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
      await writeFile(path.join(root, '.yarnrc.yml'), 'nodeLinker: node-modules\nenableTelemetry: false\n');
    },
    globs: (root) => readFile(path.join(root, 'package.json'), 'utf8'),
  },
];

describe.each(MONOREPOS)('$kind', ({ pm, tool, lockfile, setup, globs }) => {
  let root: string;
  let env: Record<string, string>;
  const outputs: string[] = [];

  beforeAll(async () => {
    root = await tempDir('loopsvc-mono-');
    env = { PATH: process.env.PATH ?? '' };
    if (tool) env = { PATH: pathWith(await toolBin(tool)) };
    const repo = path.join(root, 'repo');
    await mkdir(path.join(repo, 'apps', 'web'), { recursive: true });
    await setup(repo);
    // a sibling package: its scope is the one new services take
    await writeFile(path.join(repo, 'apps', 'web', 'package.json'), '{ "name": "@acme/web", "version": "1.0.0", "private": true }\n');
    root = repo;
    for (const [index, service] of SERVICES.entries()) {
      const last = index === SERVICES.length - 1;
      // the last one installs, through the CLI, once for all three
      const r = await runCli([service.arg, '--template', service.template, ...(last ? [] : ['--no-install'])], { cwd: root, env, timeout: 10 * MINUTES });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      outputs.push(r.stdout);
    }
  }, 15 * MINUTES);

  afterAll(async () => {
    await removeDir(path.dirname(root));
  });

  it('prints every decision it made', () => {
    const all = outputs.join('\n');
    expect(all).toContain('location: apps/orders (the workspace\'s folder for services');
    expect(all).toContain('name: @acme/orders (the scope of the workspace\'s packages');
    expect(all).toMatch(new RegExp(`package manager: ${pm} \\(the workspace's`));
    expect(all).toContain('registration: added "services/*"');
    expect(all).toContain('git: skipped, the service is part of the workspace');
    if (pm !== 'yarn') expect(all).toContain(`build scripts: ${pm === 'pnpm' ? 'allowBuilds' : 'allowScripts'} esbuild: false added to ${pm === 'pnpm' ? 'pnpm-workspace.yaml' : 'package.json'}`);
  });

  it('registers the services with the workspace and takes the siblings\' scope', async () => {
    expect(await globs(root)).toContain('services/*');
    for (const service of SERVICES) {
      const pkg = JSON.parse(await readFile(path.join(root, service.dir, 'package.json'), 'utf8')) as { name: string };
      expect(pkg.name).toBe(service.name);
    }
  });

  it('installs once at the root: one lockfile, no nested lockfile or repository', async () => {
    expect(await exists(path.join(root, lockfile))).toBe(true);
    expect(await exists(path.join(root, '.git'))).toBe(false);
    for (const service of SERVICES) {
      const entries = await readdir(path.join(root, service.dir));
      expect(entries.filter((e) => /^(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|\.git)$/.test(e)), service.dir).toEqual([]);
    }
  });

  it.each(SERVICES.flatMap((s) => ['build', 'lint', 'typecheck', 'check', 'test'].map((script) => ({ ...s, script }))))(
    '$dir: $script passes',
    async ({ dir, script }) => {
      const r = await execa(pm, ['run', script], { cwd: path.join(root, dir), env, all: true, reject: false, timeout: 8 * MINUTES });
      expect(r.exitCode, String(r.all)).toBe(0);
    },
    10 * MINUTES,
  );

  it('the HTTP service\'s Dockerfile builds from the workspace root with the root lockfile, and the image runs and stops on SIGTERM', async () => {
    const orders = path.join(root, 'apps/orders');
    const dockerfile = await readFile(path.join(orders, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('# Build: docker build -f apps/orders/Dockerfile -t orders .');
    expect(await exists(path.join(orders, 'Dockerfile.dockerignore'))).toBe(true);
    const built = await emulateDockerBuild({ dockerfile: path.join(orders, 'Dockerfile'), context: root, scratch: path.join(path.dirname(root), 'image'), env });
    expect(built.workdir.endsWith(path.join('app', 'apps', 'orders'))).toBe(true);
    await runSmoke({ template: 'http-fastify', templateOptions: {}, cwd: built.workdir, command: built.cmd });
  }, 15 * MINUTES);
});
