import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { isPackageManager, type PackageManager } from './package-manager.js';

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
  if (pnpmYaml !== undefined) {
    globsFile = 'pnpm-workspace.yaml';
    globs = pnpmPackages(pnpmYaml) ?? [];
  } else if (pkg?.workspaces) {
    globsFile = 'package.json';
    globs = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces.packages ?? []);
  } else {
    return undefined;
  }
  const entries = new Set(await readdir(root));
  const { pm, from } = workspacePackageManager(pkg, entries, globsFile);
  return {
    root,
    globsFile,
    globs,
    packageManager: pm,
    packageManagerFrom: from,
    tools: ['turbo.json', 'nx.json'].filter((f) => entries.has(f)),
    rootPackage: pkg ?? {},
  };
}

function workspacePackageManager(
  pkg: RootPackage | undefined,
  entries: Set<string>,
  globsFile: Workspace['globsFile'],
): { pm: PackageManager; from: string } {
  const declared = pkg?.packageManager?.split('@')[0];
  if (declared && isPackageManager(declared)) return { pm: declared, from: `"packageManager": "${pkg?.packageManager}"` };
  const lockfiles: Array<[string, PackageManager]> = [
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lock', 'bun'],
    ['bun.lockb', 'bun'],
    ['package-lock.json', 'npm'],
  ];
  const lock = lockfiles.find(([file]) => entries.has(file));
  if (lock) return { pm: lock[1], from: lock[0] };
  return globsFile === 'pnpm-workspace.yaml' ? { pm: 'pnpm', from: 'pnpm-workspace.yaml' } : { pm: 'npm', from: '"workspaces" in package.json' };
}

/**
 * The `packages:` list of a pnpm-workspace.yaml, when it is written as a plain block list (the
 * form pnpm documents). Anything else returns undefined: we do not guess at YAML we cannot read.
 */
export function pnpmPackages(yaml: string): string[] | undefined {
  const lines = yaml.split(/\r?\n/);
  const start = lines.findIndex((l) => /^packages:\s*(#.*)?$/.test(l));
  if (start === -1) return /^packages:/m.test(yaml) ? undefined : [];
  const globs: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s+-\s+(['"]?)([^'"#]+?)\1\s*(#.*)?$/.exec(line);
    if (!item?.[2]) break;
    globs.push(item[2]);
  }
  return globs;
}

/** Whether a folder (relative to the root, POSIX) is one of the workspace's packages. */
export function coveredByGlobs(relativeDir: string, globs: readonly string[]): boolean {
  const positive = globs.filter((g) => !g.startsWith('!')).map((g) => g.replace(/\/$/, ''));
  const negative = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1).replace(/\/$/, ''));
  return picomatch.isMatch(relativeDir, positive) && !(negative.length > 0 && picomatch.isMatch(relativeDir, negative));
}

/** The workspace's folder for services: an existing `services/*` or `apps/*` glob, in that order. */
export function servicesFolder(globs: readonly string[]): string | undefined {
  for (const folder of ['services', 'apps']) {
    if (globs.some((g) => g === `${folder}/*` || g === `${folder}/**` || g === `./${folder}/*`)) return folder;
  }
  return undefined;
}

/** The folders of the workspace's packages, absolute (one level of globbing, which covers `dir/*`). */
export async function workspacePackageDirs(ws: Workspace): Promise<string[]> {
  const found: string[] = [];
  for (const glob of ws.globs.filter((g) => !g.startsWith('!'))) {
    const base = glob.replace(/^\.\//, '').split('/*')[0] ?? '';
    const dirs = glob.includes('*') ? await readdir(path.join(ws.root, base)).catch(() => []) : [''];
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
  const text = await readText(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}
