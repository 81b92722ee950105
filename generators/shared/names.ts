import path from 'node:path';
import validate from 'validate-npm-package-name';
import { LoopsvcError, printable, UNPRINTABLE } from './errors.js';

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

/** The longest file or folder name Linux, macOS and Windows file systems accept, in bytes. */
export const NAME_MAX_BYTES = 255;

/**
 * Why one path segment (a folder or file name) cannot be created safely, or undefined. Control
 * characters, line breaks and bidirectional overrides are refused: they act on the terminal that
 * prints the name and hide what the name really is.
 */
export function pathNameProblem(segment: string): string | undefined {
  if (UNPRINTABLE_ONE.test(segment)) {
    return `the name ${JSON.stringify(printable(segment))} contains a control character, line break or bidirectional override; type the name again without it`;
  }
  const bytes = Buffer.byteLength(segment);
  if (bytes > NAME_MAX_BYTES) return `the name is ${bytes} bytes long, and file systems take at most ${NAME_MAX_BYTES}; choose a shorter one`;
  return undefined;
}

/**
 * The longest path the system's calls take, in bytes with the terminating NUL (PATH_MAX: 4,096 on
 * Linux, 1,024 on macOS). Windows is not limited: Node passes long paths there in their \\?\ form.
 */
const PATH_MAX_BYTES = process.platform === 'darwin' ? 1024 : process.platform === 'win32' ? Infinity : 4096;

/** Why a whole absolute path cannot be created (too long for the system's calls), or undefined. */
export function pathLengthProblem(full: string): string | undefined {
  const bytes = Buffer.byteLength(full);
  if (bytes < PATH_MAX_BYTES) return undefined;
  return `the path is ${bytes} bytes long, and this system takes at most ${PATH_MAX_BYTES - 1}; choose a location with a shorter path`;
}

/** UNPRINTABLE without the `g` flag: `test` keeps no state between calls. */
const UNPRINTABLE_ONE = new RegExp(UNPRINTABLE.source, 'u');

/** Every segment of a directory as the user typed it, checked; one LoopsvcError (exit 2) when one is unsafe. */
export function assertDirName(dir: string): string {
  const problem = dirNameProblem(dir);
  if (problem) throw new LoopsvcError('INVALID_DIR', `invalid directory ${JSON.stringify(printable(dir))}: ${problem}`);
  return dir;
}

/** Why a directory typed by the user cannot be created safely, or undefined. */
export function dirNameProblem(dir: string): string | undefined {
  for (const segment of dir.split(/[\\/]/)) {
    const problem = pathNameProblem(segment);
    if (problem) return problem;
  }
  return undefined;
}

/** `cd` to a folder as the user typed it: quoted, and never read as an option (`-x` → `./-x`). */
export function cdCommand(dir: string): string {
  const safe = dir.startsWith('-') ? `./${dir}` : dir;
  return `cd ${shellQuote(safe)}`;
}
