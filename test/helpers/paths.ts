import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = path.join(REPO_ROOT, 'index.js');

/** A fresh folder outside the repo, so no config of ours (tsconfig, eslint, git) leaks in. */
export async function tempDir(prefix = 'loopsvc-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Every file below `dir` (POSIX relative paths, sorted), skipping `skip` folders. */
export async function listFiles(dir: string, skip: readonly string[] = ['node_modules', '.git']): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((file) => !skip.some((s) => file === s || file.startsWith(`${s}/`)))
    .sort();
}

/**
 * A byte-for-byte picture of a tree: path → contents. `node_modules` is left out: the rules tests
 * link the repo's own there, and other tests write caches into it while a snapshot is taken.
 */
export async function treeSnapshot(dir: string, skip: readonly string[] = ['node_modules']): Promise<Record<string, string>> {
  const files = await listFiles(dir, skip);
  const entries = await Promise.all(files.map(async (f) => [f, (await readFile(path.join(dir, f))).toString('base64')] as const));
  return Object.fromEntries(entries);
}
