import { run } from '../shared/exec.js';
import { firstLine } from '../shared/errors.js';

export type GitResult = { done: true } | { done: false; why: string };

const COMMIT_MESSAGE = 'Initial commit from create-loopsvc';

/**
 * `git init` and a first commit, only when git exists and the target is not already inside a
 * work tree (a monorepo keeps one repository). Never throws: git is a convenience, and the
 * reason it was skipped is printed.
 */
export async function initGit(cwd: string): Promise<GitResult> {
  const git = (args: string[]) => run('git', args, { cwd, stdio: 'pipe' }).done;
  try {
    await git(['--version']);
  } catch {
    return { done: false, why: 'git is not installed' };
  }
  const inside = await git(['rev-parse', '--is-inside-work-tree']).then(
    (r) => r.stdout.trim() === 'true',
    () => false,
  );
  if (inside) return { done: false, why: 'the target is already inside a git work tree' };
  try {
    await git(['init', '--quiet']);
    await git(['add', '--all']);
  } catch (error) {
    return { done: false, why: `git init failed: ${firstLine(error)}` };
  }
  try {
    await git(['commit', '--quiet', '--no-verify', '-m', COMMIT_MESSAGE]);
  } catch (error) {
    return {
      done: false,
      why: `repository initialised but the first commit failed (${firstLine(error)}); set git user.name/user.email and run: git commit -m "${COMMIT_MESSAGE}"`,
    };
  }
  return { done: true };
}
