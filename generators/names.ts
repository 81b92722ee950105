import path from 'node:path';
import validate from 'validate-npm-package-name';
import { LoopsvcError } from './errors.js';

/** Why `name` cannot be a new npm package, or undefined when it can. */
export function packageNameProblem(name: string): string | undefined {
  const result = validate(name);
  if (result.validForNewPackages) return undefined;
  return [...(result.errors ?? []), ...(result.warnings ?? [])][0] ?? 'not a valid npm package name';
}

export function assertPackageName(name: string, flag = '--name'): string {
  const problem = packageNameProblem(name);
  if (problem) {
    throw new LoopsvcError(
      'INVALID_NAME',
      `invalid package name ${JSON.stringify(name)}: ${problem}; pass ${flag} with a lowercase npm name such as "my-service"`,
    );
  }
  return name;
}

/**
 * A package name suggested from the target folder's name (create-vite's rule), or '' when
 * nothing usable is left (a name in another script). It is only a default: a name the user
 * typed is validated, never rewritten.
 */
export function packageNameFromDir(dir: string): string {
  const suggested = path
    .basename(path.resolve(dir))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/^[._]+/, '')
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  return suggested;
}

/** POSIX shell quoting for paths we print in next-step commands. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
