import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isPackageManager, lockfilePackageManager, type PackageManager } from './package-manager.js';

/**
 * A JavaScript monorepo found above the target: its root, how its packages are declared and
 * which package manager owns it. Everything monorepo mode decides is derived from this.
 */
export interface Workspace {
  root: string;
  /** where the package globs live */
  globsFile: 'package.json' | 'pnpm-workspace.yaml';
  globs: string[];
  packageManager: PackageManager;
  /** why that package manager: a `packageManager` field, a lockfile, or the globs file */
  packageManagerFrom: string;
  /** build orchestrators noted at the root (turbo.json, nx.json) */
  tools: string[];
  /** the root package.json, parsed */
  rootPackage: RootPackage;
  /** pnpm catalogs by name (`default` is `catalog:`): dependency → range */
  catalogs: Record<string, Record<string, string>>;
}

export interface RootPackage {
  workspaces?: string[] | { packages?: string[] };
  packageManager?: string;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** The nearest workspace root at or above `start`, or undefined outside any monorepo. */
export async function findWorkspace(start: string): Promise<Workspace | undefined> {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const found = await workspaceAt(dir);
    if (found) return found;
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function workspaceAt(root: string): Promise<Workspace | undefined> {
  const pkg = await readJson<RootPackage>(path.join(root, 'package.json'));
  const pnpmYaml = await readText(path.join(root, 'pnpm-workspace.yaml'));
  let globsFile: Workspace['globsFile'];
  let globs: string[];
  let catalogs: Workspace['catalogs'] = {};
  if (pnpmYaml !== undefined) {
    globsFile = 'pnpm-workspace.yaml';
    const { pnpmPackages, pnpmCatalogs } = await import('./yaml-edit.js'); // the YAML parser loads only here
    globs = pnpmPackages(pnpmYaml) ?? [];
    catalogs = pnpmCatalogs(pnpmYaml);
  } else if (pkg?.workspaces) {
    globsFile = 'package.json';
    globs = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces.packages ?? []);
  } else {
    return undefined;
  }
  const entries = new Set(readdirSync(root));
  const { pm, from } = workspacePackageManager(pkg, entries, globsFile);
  return {
    root,
    globsFile,
    globs,
    packageManager: pm,
    packageManagerFrom: from,
    tools: ['turbo.json', 'nx.json'].filter((f) => entries.has(f)),
    rootPackage: pkg ?? {},
    catalogs,
  };
}

function workspacePackageManager(
  pkg: RootPackage | undefined,
  entries: Set<string>,
  globsFile: Workspace['globsFile'],
): { pm: PackageManager; from: string } {
  const declared = pkg?.packageManager?.split('@')[0];
  if (declared && isPackageManager(declared)) return { pm: declared, from: `"packageManager": "${pkg?.packageManager}"` };
  const lock = lockfilePackageManager(entries);
  if (lock) return lock;
  return globsFile === 'pnpm-workspace.yaml' ? { pm: 'pnpm', from: 'pnpm-workspace.yaml' } : { pm: 'npm', from: '"workspaces" in package.json' };
}

/**
 * A glob as the package managers compare it: `./` and a trailing `/` carry no meaning, and a `!`
 * left in front after `./` is a character (`./!svc` is the folder `!svc`), not a negation.
 */
export function pattern(glob: string): string {
  const plain = glob.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return plain.startsWith('!') ? `\\${plain}` : plain;
}

/**
 * A folder name as a glob that matches only itself, in the escape each globs file understands
 * (checked against the real package managers: test/cli/workspace-globs.test.ts).
 * pnpm-workspace.yaml takes backslashes before `* ? [ ] { } ( )`; pnpm 12 refuses a backslash
 * before `! + @` while pnpm 10 reads them literally either way, so those stay bare. A backslash in
 * the name has no form pnpm reads literally: undefined. (A leading `!`, which makes the whole glob
 * a negation, is the caller's: pnpm 10 reads only `\!x` and pnpm 12 only `./!x`.)
 * npm turns a backslash in `workspaces` into a path separator, so there each glob character
 * becomes a one-character class (`[[]ab[]]`) and a leading `!` is preceded by `./`. npm expands
 * braces even inside a class, so a brace cannot be written for it: undefined.
 */
export function escapeGlob(segment: string): string | undefined {
  if (segment.includes('\\')) return undefined;
  return segment.replace(/[*?[\]{}()]/g, '\\$&');
}

/** {@link escapeGlob} for npm's `workspaces`: undefined when npm cannot match the name literally. */
export function escapeGlobForNpm(segment: string): string | undefined {
  if (/[{}\\]/.test(segment)) return undefined;
  return segment.replace(/[*?[\]()+@]/g, '[$&]');
}

/** The workspace's folder for services: an existing `services/*` or `apps/*` glob, in that order. */
export function servicesFolder(globs: readonly string[]): string | undefined {
  for (const folder of ['services', 'apps']) {
    if (globs.some((g) => ['*', '**'].some((star) => pattern(g) === `${folder}/${star}`))) return folder;
  }
  return undefined;
}

/** The folders of the workspace's packages, absolute (one level of globbing, which covers `dir/*`). */
export async function workspacePackageDirs(ws: Workspace): Promise<string[]> {
  const found: string[] = [];
  for (const glob of ws.globs.filter((g) => !g.startsWith('!'))) {
    const base = glob.replace(/^\.\//, '').split('/*')[0] ?? '';
    const dirs = glob.includes('*') ? entriesOf(path.join(ws.root, base)) : [''];
    for (const dir of dirs) {
      const folder = path.join(ws.root, base, dir);
      if ((await readText(path.join(folder, 'package.json'))) !== undefined) found.push(folder);
    }
  }
  return found;
}

/** The names in the package.json files of the workspace's packages. */
export async function workspacePackageNames(ws: Workspace): Promise<string[]> {
  const names: string[] = [];
  for (const dir of await workspacePackageDirs(ws)) {
    const pkg = await readJson<{ name?: string }>(path.join(dir, 'package.json'));
    if (pkg?.name) names.push(pkg.name);
  }
  return names;
}

/** The npm scope most sibling packages share (`@acme`), when a majority share one. */
export function siblingScope(names: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const name of names) {
    const scope = /^(@[^/]+)\//.exec(name)?.[1];
    if (scope) counts.set(scope, (counts.get(scope) ?? 0) + 1);
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best && best[1] * 2 > names.length ? best[0] : undefined;
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  const text = textOf(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** A text file without its byte order mark (which JSON.parse and the globs do not expect). */
export async function readText(file: string): Promise<string | undefined> {
  return textOf(file);
}

// The walk up from the cwd reads two files a level, most of them absent: synchronous reads, as
// for the templates (generators/shared/render.ts), each an open that fails, not a thread-pool trip.
function textOf(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

function entriesOf(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The package manager of a project: its workspace's when it is part of one (the lockfile lives at
 * the root), else its own lockfile's, else npm.
 */
export async function projectPackageManager(dir: string): Promise<PackageManager> {
  const workspace = await findWorkspace(dir);
  if (workspace) return workspace.packageManager;
  const entries = new Set(entriesOf(dir));
  return lockfilePackageManager(entries)?.pm ?? 'npm';
}
