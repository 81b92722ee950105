import { execa } from 'execa';

/** git needs an identity to commit; the tests give one instead of relying on the machine's. */
export const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: GIT_ENV })).stdout;
}

export async function commitAll(cwd: string, message: string): Promise<void> {
  await git(cwd, 'add', '--all');
  await git(cwd, 'commit', '--quiet', '--no-verify', '-m', message);
}

/**
 * A user's edit of `old` that overlaps what the template changed between `old` and `next`: every
 * line from the one before the first changed line to the one after the last is edited, so a
 * three-way merge must mark a conflict there (git treats an insertion between two lines it
 * already sees changed on the other side as overlapping).
 */
export function conflictingEdit(old: string, next: string, mark: string): string {
  const a = old.split('\n');
  const b = next.split('\n');
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1;
  const from = Math.max(0, prefix - 1);
  const to = Math.min(a.length, a.length - suffix + 1);
  return a.map((line, i) => (i >= from && i < to && line !== '' ? `${line} ${mark}` : i >= from && i < to ? mark : line)).join('\n');
}

/** Conflict blocks resolved by taking the template's side, as a user accepting the update would. */
export function takeTheirs(text: string): string {
  return text.replace(/<<<<<<< [^\n]*\n[\s\S]*?\n?=======\n([\s\S]*?)>>>>>>> [^\n]*\n/g, '$1');
}
