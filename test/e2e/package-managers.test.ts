import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmCommands, type PackageManager } from '../../generators/shared/package-manager.js';
import { optionMatrix, TEMPLATE_IDS, type TemplateId } from '../../generators/shared/registry.js';
import { emulateDockerBuild } from '../helpers/dockerfile.js';
import { removeDir, tempDir } from '../helpers/paths.js';
import { startRegistry, type LocalRegistry } from '../helpers/registry.js';
import { runSmoke } from '../helpers/smoke.js';
import { pathWith, toolBin } from '../helpers/tools.js';

/**
 * Every package manager `--pm` offers, current versions first, through its own `create` command
 * against a local registry that holds the packed package (so the real code path runs: `yarn
 * create` inside Plug'n'Play's zip filesystem, `pnpm create` with pnpm's build-script policy, …).
 * Then the generated project's own scripts run with that manager: build, lint, typecheck, check,
 * test. Once per manager, its Dockerfile's stages run in a scratch folder and the resulting image
 * is started, health-checked and stopped (no Docker engine runs on these machines).
 *
 * pnpm 12 and Yarn 4 (the current releases, and the two that broke first contact) run every
 * template; the others one template each, in turn. LOOPSVC_PM_MATRIX=full runs every manager with
 * every template (about 40 minutes on two cores).
 */
const MINUTES = 60_000;

interface Manager {
  id: string;
  pm: PackageManager;
  /** the npm package and exact version; npm itself is the machine's */
  tool?: string;
  /** argv of `<pm> create loopsvc <dir> <flags…>` against the registry at `url` */
  create: (url: string, version: string, args: readonly string[]) => string[];
  /** environment that points the manager at the registry */
  env: (url: string) => Record<string, string>;
  templates: readonly TemplateId[];
}

const FULL = process.env.LOOPSVC_PM_MATRIX === 'full';
const every = TEMPLATE_IDS;
const one = (template: TemplateId): readonly TemplateId[] => (FULL ? every : [template]);

const MANAGERS: Manager[] = [
  {
    id: 'npm 11',
    pm: 'npm',
    create: (_url, version, args) => ['npm', 'create', '--yes', `loopsvc@${version}`, '--', ...args],
    env: (url) => ({ npm_config_registry: url }),
    templates: one('telegram-grammy'),
  },
  {
    id: 'pnpm 12',
    pm: 'pnpm',
    tool: 'pnpm@12.23.0',
    create: (_url, _v, args) => ['pnpm', 'create', 'loopsvc', ...args],
    // pnpm 10 reads npm's variable, 11 and 12 their own (10 and 11 reject --registry before create)
    env: (url) => ({ npm_config_registry: url, pnpm_config_registry: url }),
    templates: every,
  },
  {
    id: 'pnpm 11',
    pm: 'pnpm',
    tool: 'pnpm@11.28.11',
    create: (_url, _v, args) => ['pnpm', 'create', 'loopsvc', ...args],
    // pnpm 10 reads npm's variable, 11 and 12 their own (10 and 11 reject --registry before create)
    env: (url) => ({ npm_config_registry: url, pnpm_config_registry: url }),
    templates: one('worker'),
  },
  {
    id: 'pnpm 10',
    pm: 'pnpm',
    tool: 'pnpm@10.34.9',
    create: (_url, _v, args) => ['pnpm', 'create', 'loopsvc', ...args],
    // pnpm 10 reads npm's variable, 11 and 12 their own (10 and 11 reject --registry before create)
    env: (url) => ({ npm_config_registry: url, pnpm_config_registry: url }),
    templates: one('http-fastify'),
  },
  {
    id: 'Yarn 4',
    pm: 'yarn',
    tool: '@yarnpkg/cli-dist@4.18.1',
    create: (_url, _v, args) => ['yarn', 'create', 'loopsvc', ...args],
    // the package was published seconds ago: Yarn 4 quarantines new versions by default
    // Yarn opens 50 connections at once by default, more than the local registry's proxy serves
    // on a loaded machine (sockets closed before connecting): fewer, and retried
    env: (url) => ({
      YARN_NPM_REGISTRY_SERVER: url,
      YARN_UNSAFE_HTTP_WHITELIST: '127.0.0.1',
      YARN_NPM_MINIMAL_AGE_GATE: '0',
      YARN_ENABLE_TELEMETRY: '0',
      YARN_NETWORK_CONCURRENCY: '8',
      YARN_HTTP_RETRY: '5',
    }),
    templates: every,
  },
  {
    id: 'Yarn 1',
    pm: 'yarn',
    tool: 'yarn@1.22.22',
    create: (_url, _v, args) => ['yarn', 'create', 'loopsvc', ...args],
    env: (url) => ({ YARN_REGISTRY: url }),
    templates: one('http-fastify'),
  },
  {
    id: 'bun 1',
    pm: 'bun',
    tool: 'bun@1.4.5',
    create: (_url, _v, args) => ['bun', 'create', 'loopsvc', ...args],
    env: (url) => ({ NPM_CONFIG_REGISTRY: url }),
    templates: one('worker'),
  },
];

/** Install output a project could avoid: engine and script warnings, Yarn's peer and build warnings. */
const AVOIDABLE = /EBADENGINE|install-scripts|ERR_PNPM|Ignored build scripts|YN0004|YN0002|YN0060|YN0086|Done with warnings|approve-builds/;

/**
 * Package caches of this run only. Every run publishes the same version (the package's own), and
 * npm's npx cache, Yarn's global cache and bun's cache key create-loopsvc by name and version: a
 * cache from an earlier run would run that run's CLI.
 */
function freshCaches(dir: string): Record<string, string> {
  return {
    npm_config_cache: path.join(dir, 'npm'),
    // yarn dlx (yarn create) uses the global cache whatever the cache settings say: move it
    YARN_GLOBAL_FOLDER: path.join(dir, 'yarn-global'),
    YARN_CACHE_FOLDER: path.join(dir, 'yarn'),
    BUN_INSTALL_CACHE_DIR: path.join(dir, 'bun'),
  };
}

/** This process's environment without npm's per-run variables. */
function userEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^npm_/i.test(e[0])));
}

let registry: LocalRegistry;
let scratch: string;

beforeAll(async () => {
  scratch = await tempDir('loopsvc-pm-');
  registry = await startRegistry(scratch);
}, 10 * MINUTES);

afterAll(async () => {
  await registry?.stop();
  await removeDir(scratch);
});

const CASES = MANAGERS.flatMap((manager) => manager.templates.map((template, index) => ({ manager, template, label: manager.id, image: index === 0 })));

describe.each(CASES)('$label: $template, created with its own create command', ({ manager, template, image }) => {
  let root: string;
  let project: string;
  let env: Record<string, string>;
  let output: string;
  const options = optionMatrix(template)[0] ?? {};
  const pmRun = (script: string) => execa(manager.pm, ['run', script], { cwd: project, env, extendEnv: false, all: true, reject: false, timeout: 8 * MINUTES });

  beforeAll(async () => {
    const bins = manager.tool ? [await toolBin(manager.tool)] : [];
    // as from a user's shell: none of the npm_* variables of the `npm test` running this suite
    // (bun keeps an inherited npm_config_user_agent, and the CLI would then take npm for bun)
    env = { ...userEnv(), PATH: pathWith(...bins), ...manager.env(registry.url), ...freshCaches(path.join(scratch, 'caches')) };
    root = await tempDir('loopsvc-pm-case-');
    project = path.join(root, 'svc');
    const [command = '', ...args] = manager.create(registry.url, registry.version, ['svc', '--template', template, '--yes', '--no-git']);
    const r = await execa(command, args, { cwd: root, env, extendEnv: false, all: true, reject: false, timeout: 10 * MINUTES, stdin: 'ignore' });
    output = String(r.all);
    expect(r.exitCode, output).toBe(0);
  }, 12 * MINUTES);

  afterAll(async () => {
    await removeDir(root);
  });

  it('generates and installs with no warning the project could avoid, and says how to run its scripts', async () => {
    const ours = output.slice(output.indexOf('created svc'));
    expect(ours, output).toMatch(/created svc/);
    expect(ours).not.toMatch(AVOIDABLE);
    expect(ours).toContain(`${manager.pm} run dev`);
    const files = await readdir(project);
    expect(files).toEqual(expect.arrayContaining(['node_modules', pmCommands(manager.pm).lockfile]));
    // nothing of Plug'n'Play or Yarn's install state to commit
    expect(files.filter((f) => f.startsWith('.pnp.'))).toEqual([]);
  });

  it.each(['build', 'lint', 'typecheck', 'check', 'test'])(`${manager.pm} run %s passes`, async (script) => {
    const r = await pmRun(script);
    expect(r.exitCode, r.all).toBe(0);
    if (script === 'check') expect(r.all).toContain('check-loop: ok');
  }, 10 * MINUTES);

  it.runIf(image)('its Dockerfile builds from the lockfile and the image runs, passes its HEALTHCHECK and stops on SIGTERM', async () => {
    const built = await emulateDockerBuild({ dockerfile: path.join(project, 'Dockerfile'), context: project, scratch: path.join(root, 'image'), env });
    expect(built.skipped.every((s) => s.startsWith('apt-get'))).toBe(true);
    expect(built.cmd).toEqual(['node', 'dist/main.js']);
    await expect(access(path.join(built.workdir, 'node_modules', 'typescript'))).rejects.toThrow(); // dev dependencies pruned
    await runSmoke({
      template,
      templateOptions: options,
      cwd: built.workdir,
      command: built.cmd,
      during: built.healthcheck
        ? async (match) => {
            const [command = '', ...args] = built.healthcheck ?? [];
            const port = new URL(match[1] ?? '').port; // the smoke run listens on a free port
            const health = await execa(command, args, { cwd: built.workdir, env: { PORT: port }, reject: false });
            expect(health.exitCode, String(health.stderr)).toBe(0);
          }
        : undefined,
    });
  }, 15 * MINUTES);
});
