import picomatch from 'picomatch';
import { pattern } from './workspace.js';

// Apart from the rest of workspace.ts so that picomatch loads only in monorepo mode: finding
// whether there is a workspace at all, on every run, needs no glob matching.

/**
 * Whether a folder (relative to the root, POSIX) is one of the workspace's packages, the way the
 * package managers resolve their globs: matched by a positive glob and by no negated one
 * (`!packages/legacy` excludes wherever it is in the list).
 */
export function coveredByGlobs(relativeDir: string, globs: readonly string[]): boolean {
  const positive = globs.filter((g) => !g.startsWith('!'));
  return positive.some((g) => picomatch.isMatch(relativeDir, pattern(g))) && excludedBy(relativeDir, globs) === undefined;
}

/** The negated glob that excludes a folder, if one does. */
export function excludedBy(relativeDir: string, globs: readonly string[]): string | undefined {
  return globs.find((g) => g.startsWith('!') && picomatch.isMatch(relativeDir, pattern(g.slice(1))));
}
