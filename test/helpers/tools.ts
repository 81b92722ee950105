import { access } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from './paths.js';

/**
 * Command-line tools the tests run at exact versions (package managers, a local registry, Node
 * lines), installed from the npm registry into `.cache/` on first use and reused after, never
 * into the project's own node_modules. Returns the folder to put first on PATH.
 */
export async function toolBin(spec: string): Promise<string> {
  const dir = path.join(REPO_ROOT, '.cache', 'tools', spec.replace(/[/@]/g, '_'));
  const bin = path.join(dir, 'node_modules', '.bin');
  try {
    await access(path.join(dir, 'ready'));
  } catch {
    await execa('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', spec], { timeout: 300_000 });
    await execa('touch', [path.join(dir, 'ready')]);
  }
  return bin;
}

/** The bin folder of Node `<version>` (a line such as 26, or exactly 22.19.0): scripts/node-line.sh. */
export async function nodeBin(version: string): Promise<string> {
  const { stdout } = await execa(path.join(REPO_ROOT, 'scripts/node-line.sh'), [version], { timeout: 300_000 });
  return stdout.trim();
}

/** PATH with these folders first. */
export function pathWith(...dirs: string[]): string {
  return [...dirs, process.env.PATH ?? ''].join(path.delimiter);
}
