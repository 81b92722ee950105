import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import intersects from 'semver/ranges/intersects.js';
import validRange from 'semver/ranges/valid.js';
import { LoopsvcError } from './errors.js';
import type { PlannedFile } from './render.js';
import { coveredByGlobs, pnpmPackages, readText, type Workspace } from './workspace.js';

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
  let rootEdit: RootEdit | undefined;
  if (coveredByGlobs(relative, workspace.globs)) {
    decisions.push(`registration: ${relative} is covered by the workspace globs (${workspace.globs.join(', ')})`);
  } else {
    const glob = `${path.posix.dirname(relative) === '.' ? relative : `${path.posix.dirname(relative)}/*`}`;
    rootEdit = await globEdit(workspace, glob);
    decisions.push(`registration: added "${glob}" to ${workspace.globsFile}`);
  }
  return { workspace, decisions, rootEdit };
}

/** Adds a glob to the workspace's package list, keeping the file's formatting, or stops. */
async function globEdit(workspace: Workspace, glob: string): Promise<RootEdit> {
  const file = path.join(workspace.root, workspace.globsFile);
  const before = (await readText(file)) ?? '';
  if (workspace.globsFile === 'package.json') {
    const pkg = JSON.parse(before) as { workspaces?: string[] | { packages?: string[] } };
    if (Array.isArray(pkg.workspaces)) pkg.workspaces.push(glob);
    else if (pkg.workspaces && Array.isArray(pkg.workspaces.packages)) pkg.workspaces.packages.push(glob);
    else throw cannotEdit(file, `"workspaces": ["${glob}"]`);
    const indent = /^\{\r?\n([ \t]+)"/.exec(before)?.[1] ?? '  ';
    return { file, before, after: `${JSON.stringify(pkg, null, indent)}${before.endsWith('\n') ? '\n' : ''}`, line: `"${glob}"` };
  }
  const lines = before.split('\n');
  const start = lines.findIndex((l) => /^packages:\s*(#.*)?$/.test(l));
  if (pnpmPackages(before) === undefined || start === -1) throw cannotEdit(file, `packages:\n  - '${glob}'`);
  let last = start;
  for (let i = start + 1; i < lines.length && /^(\s+-\s|\s*(#.*)?$)/.test(lines[i] ?? ''); i += 1) {
    if (/^\s+-\s/.test(lines[i] ?? '')) last = i;
  }
  const sample = last > start ? (lines[last] ?? '') : "  - ''";
  const indent = /^(\s+)-/.exec(sample)?.[1] ?? '  ';
  const quote = /-\s+(['"])/.exec(sample)?.[1] ?? "'";
  const line = `${indent}- ${quote}${glob}${quote}`;
  lines.splice(last + 1, 0, line);
  return { file, before, after: lines.join('\n'), line: line.trim() };
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
      const pkg = JSON.parse(file.contents.toString('utf8')) as { devDependencies?: Record<string, string> };
      const reused: string[] = [];
      for (const [name, ours] of Object.entries(pkg.devDependencies ?? {})) {
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
      return { path: file.path, contents: Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`) };
    }
    if (file.path === 'tsconfig.json' && base) {
      const tsconfig = JSON.parse(file.contents.toString('utf8')) as Record<string, unknown>;
      const relative = path.relative(target, path.join(mono.workspace.root, base)).split(path.sep).join('/');
      mono.decisions.push(`tsconfig: extends ${relative} (the workspace base); the service's own options still apply on top`);
      return { path: file.path, contents: Buffer.from(`${JSON.stringify({ extends: relative, ...tsconfig }, null, 2)}\n`) };
    }
    return file;
  });
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

/** Writes a planned root edit, unless the file changed since it was read (then it stops). */
export async function applyRootEdit(edit: RootEdit): Promise<void> {
  if ((await readText(edit.file)) !== edit.before) {
    throw new LoopsvcError('WORKSPACE_CHANGED', `${edit.file} changed while the service was generated; add ${edit.line} to it yourself`, 1);
  }
  await writeFile(edit.file, edit.after);
}
