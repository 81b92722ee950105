import { NODE_POLICY } from './node-policy.js';
import { isYarnBerry, pmCommands, type PackageManager } from './package-manager.js';
import type { PlannedFile } from './render.js';
import { byPath } from './write.js';

/**
 * What a project needs so that its package manager installs it without a warning or an error,
 * decided in one place for every manager `--pm` offers.
 *
 * Dependencies with install scripts, by the direct dependency that brings them: esbuild (through
 * tsx), whose postinstall merely checks the platform binary its optionalDependencies already
 * installed, and msgpackr-extract (through BullMQ), whose install builds from source only where no
 * prebuilt binary came as an optional dependency (msgpackr works without it). Every manager is
 * told not to run them, explicitly: npm 11 warns about scripts "not yet covered by allowScripts",
 * pnpm 11 and 12 fail the install (ERR_PNPM_IGNORED_BUILDS) and Yarn 4 warns (YN0004) on scripts
 * that nobody decided about.
 */
const BUILD_SCRIPTS_BROUGHT_BY: Readonly<Record<string, readonly string[]>> = { tsx: ['esbuild'], bullmq: ['msgpackr-extract'] };

/** The packages with install scripts that a package.json's dependencies bring, not to be run. */
export function buildScriptsNotRun(pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }): string[] {
  const direct = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  return [...new Set(direct.flatMap((name) => BUILD_SCRIPTS_BROUGHT_BY[name] ?? []))].sort();
}

/** Where the versions of a manager come from when the one installing is not known. */
const DEFAULT_VERSION: Record<PackageManager, string> = { npm: '11', pnpm: '12', yarn: '4', bun: '1' };

export interface PackageManagerChoice {
  pm: PackageManager;
  /** the exact version installing the project, when known */
  version?: string;
}

/**
 * The per-manager files of a standalone project (a service inside a workspace gets none: the
 * workspace root owns them). Returns new files; the rendered ones are not changed in place.
 */
export function withPackageManagerFiles(plan: readonly PlannedFile[], { pm, version }: PackageManagerChoice): PlannedFile[] {
  const files = plan.map((file) => {
    if (file.path === 'package.json') return { ...file, origin: withNote(file.origin, `${pm}'s fields`), contents: Buffer.from(`${JSON.stringify(packageJsonFields(JSON.parse(file.contents.toString('utf8')) as Record<string, unknown>, { pm, version }), null, 2)}\n`) };
    if (file.path === '.gitignore' && pm === 'yarn') return { ...file, origin: withNote(file.origin, "Yarn's lines"), contents: Buffer.concat([file.contents, Buffer.from(YARN_GITIGNORE)]) };
    return file;
  });
  const pkgFile = plan.find((file) => file.path === 'package.json');
  const scripts = pkgFile ? buildScriptsNotRun(JSON.parse(pkgFile.contents.toString('utf8')) as Record<string, Record<string, string>>) : [];
  if (pm === 'pnpm') files.push({ path: 'pnpm-workspace.yaml', contents: Buffer.from(pnpmWorkspace(scripts)) });
  // Yarn 1 ignores .yarnrc.yml, so it is written for every Yarn: the project stays right when
  // the team moves to Yarn 4.
  if (pm === 'yarn') files.push({ path: '.yarnrc.yml', contents: Buffer.from(YARNRC) });
  return files.sort(byPath);
}

/** A file's origin (for --dry-run) with what a later step added to it. */
export function withNote(origin: string | undefined, added: string): string | undefined {
  return origin === undefined ? undefined : `${origin}, plus ${added}`;
}

function packageJsonFields(pkg: Record<string, unknown>, { pm, version }: PackageManagerChoice): Record<string, unknown> {
  const out: Record<string, unknown> = { ...pkg };
  const scripts = buildScriptsNotRun(pkg as Record<string, Record<string, string>>);
  // Yarn 4 and corepack read it. pnpm is left without: pnpm 11 then tries to switch to the
  // pinned version (and warns when it cannot fetch it), pnpm 12 warns that it cannot record it.
  if (pm === 'yarn' && version !== undefined) out.packageManager = `${pm}@${version}`;
  if (pm === 'npm') out.allowScripts = Object.fromEntries(scripts.map((name) => [name, false]));
  if (pm === 'yarn') out.dependenciesMeta = Object.fromEntries(scripts.map((name) => [name, { built: false }]));
  return out;
}

const pnpmWorkspace = (scripts: readonly string[]) => `# pnpm settings of this project (it is not a monorepo: there is no packages: list).
# Install scripts nobody decided on fail pnpm 11+ installs; these are not needed (see package.json's
# dependencies: their binaries come prebuilt).
allowBuilds:
${scripts.map((name) => `  ${name}: false`).join('\n')}
`;

// Plug'n'Play has no node_modules: the lifecycle tests start plain \`node\`, the loop check walks
// node_modules, and many tools assume it. node-modules is Yarn's documented compatible linker.
const YARNRC = `# node_modules, not Plug'n'Play: the tests start the built service with plain node, and
# scripts/check-loop.mjs walks node_modules to find blocking dependencies.
nodeLinker: node-modules
`;

const YARN_GITIGNORE = `
# Yarn
.yarn/*
!.yarn/releases
!.yarn/plugins
.pnp.*
`;

/** The lines of the generated Dockerfile that depend on the package manager and the layout. */
export interface DockerData {
  /** `node:26-slim`: the Active LTS, the same line as .nvmrc */
  image: string;
  /** COPY sources of the dependency manifests (standalone: the lockfile is in the project) */
  manifests: string;
  install: string;
  build: string;
  /** removes dev dependencies after the build */
  prune: string;
  /** in a monorepo the build context is the workspace root */
  workspace?: { dir: string };
  /** the exact command the README gives, run from where it says */
  buildCommand: string;
  /** the image name that command gives (the package name without its scope) */
  tag: string;
}

export function dockerData(choice: PackageManagerChoice, project: { name: string; workspaceDir?: string }): DockerData {
  const { pm } = choice;
  const { name, workspaceDir } = project;
  const cli = dockerCli(choice);
  const berry = isYarnBerry(pm, choice.version ?? (pm === 'yarn' ? DEFAULT_VERSION.yarn : undefined));
  const tag = name.replace(/^@[^/]+\//, '');
  const install: Record<PackageManager, string> = {
    npm: 'npm ci',
    pnpm: `${cli} install --frozen-lockfile`,
    yarn: berry ? `${cli} install --immutable` : `${cli} install --frozen-lockfile`,
    bun: `${cli} install --frozen-lockfile`,
  };
  const prune: Record<PackageManager, string> = {
    npm: 'npm prune --omit=dev',
    // pnpm prune empties a workspace's packages, so pnpm reinstalls production only; it asks
    // before it purges node_modules, and a docker build has no terminal to answer
    pnpm: `${cli} install --prod --frozen-lockfile --config.confirm-modules-purge=false`,
    yarn: berry ? `${cli} workspaces focus ${workspaceDir === undefined ? '' : `${name} `}--production` : `${cli} install --frozen-lockfile --production`,
    bun: `rm -rf node_modules && ${cli} install --frozen-lockfile --production`,
  };
  const common = { image: `node:${NODE_POLICY.activeLts}-slim`, install: install[pm], prune: prune[pm], tag };
  if (workspaceDir === undefined) {
    const manifests: Record<PackageManager, string> = {
      npm: 'package.json package-lock.json',
      pnpm: 'package.json pnpm-lock.yaml pnpm-workspace.yaml',
      yarn: 'package.json yarn.lock .yarnrc.yml',
      bun: 'package.json bun.lock',
    };
    const run = pmCommands(pm).run.replace(/^\S+/, cli);
    return { ...common, manifests: manifests[pm], build: `${run} build`, buildCommand: `docker build -t ${tag} .` };
  }
  const build: Record<PackageManager, string> = {
    npm: `npm run build --workspace=${name}`,
    pnpm: `${cli} --filter ${name} run build`,
    yarn: `${cli} workspace ${name} run build`,
    bun: `${cli} run --filter ${name} build`,
  };
  return { ...common, manifests: '.', build: build[pm], workspace: { dir: workspaceDir }, buildCommand: `docker build -f ${workspaceDir}/Dockerfile -t ${tag} .` };
}

/**
 * How the image runs the package manager. The Node image ships npm only (corepack left Node with
 * 25), so the others run through npx at the exact version that wrote the lockfile.
 */
function dockerCli({ pm, version }: PackageManagerChoice): string {
  const at = version ?? DEFAULT_VERSION[pm];
  if (pm === 'npm') return 'npm';
  if (pm === 'yarn' && isYarnBerry(pm, at)) return `npx --yes --package=@yarnpkg/cli-dist@${at} -- yarn`;
  return `npx --yes ${pm}@${at}`;
}

/**
 * In a workspace the image is built from the root (`docker build -f <dir>/Dockerfile .`), where a
 * `.dockerignore` inside the service would be ignored. BuildKit reads `<Dockerfile>.dockerignore`
 * beside the Dockerfile instead, with patterns relative to the root: the service's own
 * `.dockerignore` is replaced by one.
 */
export function withWorkspaceDockerIgnore(plan: readonly PlannedFile[]): PlannedFile[] {
  const files = plan.filter((file) => file.path !== '.dockerignore');
  files.push({ path: 'Dockerfile.dockerignore', contents: Buffer.from(WORKSPACE_DOCKERIGNORE) });
  return files.sort(byPath);
}

const WORKSPACE_DOCKERIGNORE = `# The build context is the workspace root (see the Dockerfile's first lines).
.git
**/node_modules
**/dist
**/coverage
**/.env
**/.env.*
!**/.env.example
**/*.log
`;
