import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import path from 'node:path';
import intersects from 'semver/ranges/intersects.js';
import validRange from 'semver/ranges/valid.js';
import { LoopsvcError } from '../shared/errors.js';
import type { PlannedFile } from '../shared/render.js';
import { withNote } from '../shared/pm-config.js';
import { appendTopLevelMember, editJson } from '../shared/json-edit.js';
import { coveredByGlobs, excludedBy } from '../shared/workspace-globs.js';
import { escapeGlob, escapeGlobForNpm, readText, type Workspace } from '../shared/workspace.js';
import { addYamlListItem, addYamlMapEntry } from '../shared/yaml-edit.js';

/** A change to a file at the workspace root, planned before anything is written. */
export interface RootEdit {
  file: string;
  before: string;
  after: string;
  /** what the change is, for the decisions printed and for the manual fallback */
  line: string;
}

/**
 * What generating into a monorepo changes: the root's package globs (when the target is not
 * covered), dev tool versions the root already pins, and a tsconfig base to extend. Every
 * decision is recorded in words, because the CLI prints them all.
 */
export interface MonorepoPlan {
  workspace: Workspace;
  decisions: string[];
  rootEdit?: RootEdit;
}

/** Shared dev tools whose version a service takes from the root when the ranges agree. */
const SHARED_DEV_TOOLS = ['typescript', 'vitest', 'eslint', 'typescript-eslint', 'eslint-plugin-n', 'eslint-plugin-regexp', '@types/node', 'tsx'];
const TSCONFIG_BASES = ['tsconfig.base.json', 'tsconfig.options.json'];

export async function planMonorepo(workspace: Workspace, target: string): Promise<MonorepoPlan> {
  const relative = path.relative(workspace.root, target).split(path.sep).join('/');
  const decisions = [
    `monorepo: ${workspace.globsFile === 'pnpm-workspace.yaml' ? 'pnpm workspace' : `${workspace.packageManager} workspaces`} at ${workspace.root}` +
      (workspace.tools.length > 0 ? ` (${workspace.tools.join(', ')} present)` : ''),
  ];
  if (workspace.packageManager === 'yarn' && (await yarnLinker(workspace.root)) === 'pnp') {
    throw new LoopsvcError(
      'WORKSPACE_YARN_PNP',
      `the Yarn workspace at ${workspace.root} installs with Plug'n'Play, under which the service's TypeScript types and typed lint rules do not resolve; add "nodeLinker: node-modules" to ${path.join(workspace.root, '.yarnrc.yml')}, run yarn install, then run this again (nothing was written)`,
    );
  }
  let rootEdit: RootEdit | undefined;
  const excluded = excludedBy(relative, workspace.globs);
  if (excluded) {
    throw new LoopsvcError(
      'WORKSPACE_EXCLUDES_TARGET',
      `${relative} is excluded from the workspace by ${JSON.stringify(excluded)} in ${workspace.globsFile}; choose another folder, or remove that line first (nothing was written)`,
    );
  }
  if (coveredByGlobs(relative, workspace.globs)) {
    decisions.push(`registration: ${relative} is covered by the workspace globs (${workspace.globs.join(', ')})`);
  } else {
    // the folder's siblings (`services/*`), or the folder itself at the root; its name taken literally
    const pnpm = workspace.globsFile === 'pnpm-workspace.yaml';
    const all = relative.split('/');
    const segments = (all.length === 1 ? all : all.slice(0, -1)).map((segment) => (pnpm ? escapeGlob(segment) : escapeGlobForNpm(segment)));
    const joined = all.length === 1 ? segments.join('/') : `${segments.join('/')}/*`;
    // pnpm has no leading `!` that all its versions read literally (see escapeGlob)
    if (segments.some((segment) => segment === undefined) || (pnpm && joined.startsWith('!'))) {
      const why = pnpm ? 'a backslash in a folder name, or a "!" starting the path' : 'a brace or backslash in a folder name';
      throw new LoopsvcError('WORKSPACE_GLOB_UNSAFE', `${pnpm ? "pnpm's" : "npm's"} workspace globs cannot name ${relative} literally (${why}); rename the folder or choose another (nothing was written)`);
    }
    const glob = !pnpm && joined.startsWith('!') ? `./${joined}` : joined;
    if (!coveredByGlobs(relative, [...workspace.globs, glob])) throw cannotEdit(path.join(workspace.root, workspace.globsFile), glob);
    rootEdit = await globEdit(workspace, glob);
    decisions.push(`registration: added "${glob}" to ${workspace.globsFile}`);
  }
  return { workspace, decisions, rootEdit };
}

/**
 * How a Yarn workspace lays out its dependencies: Yarn 2 and later default to Plug'n'Play unless
 * `.yarnrc.yml` (or YARN_NODE_LINKER) says `node-modules` or `pnpm`; Yarn 1 (no `.yarnrc.yml`, a
 * v1 lockfile) always writes node_modules.
 */
export async function yarnLinker(root: string, env: NodeJS.ProcessEnv = process.env): Promise<'pnp' | 'node-modules' | 'pnpm'> {
  const fromEnv = env.YARN_NODE_LINKER;
  if (fromEnv === 'pnp' || fromEnv === 'node-modules' || fromEnv === 'pnpm') return fromEnv;
  const rc = await readText(path.join(root, '.yarnrc.yml'));
  const linker: unknown = rc === undefined ? undefined : parseDocument(rc).get('nodeLinker');
  if (linker === 'node-modules' || linker === 'pnpm' || linker === 'pnp') return linker;
  if (rc !== undefined) return 'pnp';
  const pkg = await readText(path.join(root, 'package.json'));
  const declared = pkg === undefined ? undefined : /"packageManager"\s*:\s*"yarn@(\d+)/.exec(pkg)?.[1];
  if (declared !== undefined) return Number(declared) >= 2 ? 'pnp' : 'node-modules';
  const lock = await readText(path.join(root, 'yarn.lock'));
  return lock?.includes('__metadata:') ? 'pnp' : 'node-modules';
}

/**
 * The service's dependencies bring packages with install scripts (esbuild, …: pm-config.ts) that
 * nobody at the root may have decided on yet: pnpm 11 and 12 then fail the root install (ERR_PNPM_IGNORED_BUILDS) and npm 11
 * warns. The decision a standalone project carries (pm-config.ts) is added to the root's file
 * when the root has none, in the same edit as the registration.
 */
export async function withBuildScriptDecision(mono: MonorepoPlan, names: readonly string[]): Promise<void> {
  mono.rootEdit = await buildScriptDecision(mono.workspace, mono.rootEdit, mono.decisions, names);
}

async function buildScriptDecision(workspace: Workspace, edit: RootEdit | undefined, decisions: string[], names: readonly string[]): Promise<RootEdit | undefined> {
  const pnpm = workspace.globsFile === 'pnpm-workspace.yaml';
  if (!pnpm && workspace.packageManager !== 'npm') return edit;
  const file = path.join(workspace.root, pnpm ? 'pnpm-workspace.yaml' : 'package.json');
  const current = edit?.file === file ? edit : { file, before: await readFile(file, 'utf8'), after: undefined, line: '' };
  let text = current.after ?? current.before;
  const added: string[] = [];
  for (const name of names) {
    if (pnpm) {
      if (pnpmDecided(text, name)) continue;
      const next = addYamlMapEntry(text, 'allowBuilds', name, false);
      if (next === undefined) {
        decisions.push(`build scripts: add "allowBuilds: { ${name}: false }" to ${file} yourself, or pnpm 11+ fails the install on ${name}'s unapproved script`);
        continue;
      }
      text = next;
    } else {
      const allow = (JSON.parse(text.replace(/^\uFEFF/, '')) as { allowScripts?: Record<string, unknown> }).allowScripts;
      if (allow && Object.hasOwn(allow, name)) continue;
      text = allow ? editJson(text, ['allowScripts', name], false) : appendTopLevelMember(text, 'allowScripts', { [name]: false });
    }
    added.push(name);
  }
  if (added.length === 0) return edit;
  decisions.push(`build scripts: ${pnpm ? 'allowBuilds' : 'allowScripts'} ${added.map((n) => `${n}: false`).join(', ')} added to ${path.basename(file)} (its install script only checks its binary; an undecided one fails pnpm 11+ installs and warns in npm 11)`);
  const line = [current.line, `${pnpm ? 'allowBuilds' : '"allowScripts"'}: { ${added.map((n) => `${n}: false`).join(', ')} }`].filter(Boolean).join(' and ');
  if (edit && edit.file !== file) throw new Error(`two root files to edit: ${edit.file} and ${file}`);
  return { file, before: current.before, after: text, line };
}

/** Whether pnpm-workspace.yaml already decides about a package's build script, in any of pnpm's settings. */
function pnpmDecided(yaml: string, name: string): boolean {
  const data = (parseDocument(yaml).toJS() ?? {}) as { allowBuilds?: Record<string, unknown>; onlyBuiltDependencies?: unknown; ignoredBuiltDependencies?: unknown; neverBuiltDependencies?: unknown };
  if (data.allowBuilds && typeof data.allowBuilds === 'object' && Object.hasOwn(data.allowBuilds, name)) return true;
  return [data.onlyBuiltDependencies, data.ignoredBuiltDependencies, data.neverBuiltDependencies].some((list) => Array.isArray(list) && list.includes(name));
}

/** Adds a glob to the workspace's package list, changing no other byte of the file, or stops. */
async function globEdit(workspace: Workspace, glob: string): Promise<RootEdit> {
  const file = path.join(workspace.root, workspace.globsFile);
  const before = await readFile(file, 'utf8');
  if (workspace.globsFile === 'package.json') {
    const pkg = workspace.rootPackage;
    const at = Array.isArray(pkg.workspaces) ? ['workspaces'] : Array.isArray(pkg.workspaces?.packages) ? ['workspaces', 'packages'] : undefined;
    if (!at) throw cannotEdit(file, `"workspaces": ["${glob}"]`);
    const list = (Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages) ?? [];
    return { file, before, after: editJson(before, [...at, list.length], glob, { insert: true }), line: JSON.stringify(glob) };
  }
  const after = addYamlListItem(before, 'packages', glob);
  if (after === undefined) throw cannotEdit(file, `packages:\n  - '${glob}'`);
  return { file, before, after, line: `- '${glob}'` };
}

function cannotEdit(file: string, lines: string): LoopsvcError {
  return new LoopsvcError(
    'WORKSPACE_NOT_EDITABLE',
    `cannot add the new service to ${file} safely; add ${JSON.stringify(lines)} to it yourself, then re-run (nothing was written)`,
  );
}

/**
 * The generated files adjusted to the workspace: dev tool versions the root pins (where their
 * range agrees with ours), and `extends` of the root's tsconfig base. Returns new files and
 * records each decision in `mono.decisions`.
 */
export async function adaptToWorkspace(plan: readonly PlannedFile[], mono: MonorepoPlan, target: string): Promise<PlannedFile[]> {
  const rootDev = mono.workspace.rootPackage.devDependencies ?? {};
  const base = await firstExisting(mono.workspace.root, TSCONFIG_BASES);
  return plan.map((file) => {
    if (file.path === 'package.json') {
      const pkg = JSON.parse(file.contents.toString('utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      const catalogued = useCatalogs(pkg, mono);
      const reused: string[] = [];
      for (const [name, ours] of Object.entries(pkg.devDependencies ?? {})) {
        if (catalogued.has(name)) continue;
        const theirs = rootDev[name];
        if (!SHARED_DEV_TOOLS.includes(name) || theirs === undefined || theirs === ours) continue;
        if (validRange(theirs) && intersects(theirs, ours)) {
          pkg.devDependencies![name] = theirs;
          reused.push(`${name} ${theirs}`);
        } else {
          mono.decisions.push(`versions: kept ${name} ${ours}; the root's ${theirs} does not satisfy it`);
        }
      }
      if (reused.length > 0) mono.decisions.push(`versions: from the workspace root: ${reused.join(', ')}`);
      return { ...file, origin: withNote(file.origin, "the workspace's versions"), contents: Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`) };
    }
    if (file.path === 'tsconfig.json' && base) {
      const tsconfig = JSON.parse(file.contents.toString('utf8')) as Record<string, unknown>;
      const relative = path.relative(target, path.join(mono.workspace.root, base)).split(path.sep).join('/');
      mono.decisions.push(`tsconfig: extends ${relative} (the workspace base); the service's own options still apply on top`);
      return { ...file, origin: withNote(file.origin, "`extends` of the workspace's tsconfig"), contents: Buffer.from(`${JSON.stringify({ extends: relative, ...tsconfig }, null, 2)}\n`) };
    }
    return file;
  });
}

/**
 * In a pnpm workspace with catalogs, a dependency a catalog lists is written `catalog:` (the
 * default catalog) or `catalog:<name>`, so the workspace keeps one version of it, when the
 * catalog's range agrees with ours; otherwise ours is kept and the decision says why.
 */
function useCatalogs(pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }, mono: MonorepoPlan): Set<string> {
  const catalogs = Object.entries(mono.workspace.catalogs).sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : 0));
  const used = new Set<string>();
  const taken: string[] = [];
  for (const deps of [pkg.dependencies, pkg.devDependencies]) {
    for (const [name, ours] of Object.entries(deps ?? {})) {
      const found = catalogs.find(([, entries]) => Object.hasOwn(entries, name));
      if (!found) continue;
      const [catalog, entries] = found;
      const theirs = entries[name] ?? '';
      if (validRange(theirs) && !intersects(theirs, ours)) {
        mono.decisions.push(`versions: kept ${name} ${ours}; the ${catalog} catalog's ${theirs} does not satisfy it`);
        continue;
      }
      deps![name] = catalog === 'default' ? 'catalog:' : `catalog:${catalog}`;
      used.add(name);
      taken.push(`${name} (${deps![name]} ${theirs})`);
    }
  }
  if (taken.length > 0) mono.decisions.push(`versions: from the pnpm catalog: ${taken.join(', ')}`);
  return used;
}

async function firstExisting(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) if ((await readText(path.join(dir, name))) !== undefined) return name;
  return undefined;
}

/**
 * The workspace's package manager, unless --pm asks for another: a workspace installs with one
 * package manager, so a different one would leave a second lockfile behind.
 */
export function workspacePackageManager(workspace: Workspace, flag: string | undefined): Workspace['packageManager'] {
  if (flag !== undefined && flag !== workspace.packageManager) {
    throw new LoopsvcError(
      'PM_NOT_WORKSPACE',
      `--pm ${flag}, but the workspace at ${workspace.root} uses ${workspace.packageManager} (${workspace.packageManagerFrom}); drop --pm or pass --pm ${workspace.packageManager}`,
    );
  }
  return workspace.packageManager;
}
