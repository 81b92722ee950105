import { chmod } from 'node:fs/promises';
import { execa } from 'execa';

/**
 * Makes a file or folder unwritable for this process, and returns how to undo it. As root
 * (CI containers) permission bits do not stop a write, so the immutable attribute does
 * (`chattr +i`, which gives EPERM); otherwise plain `chmod a-w` (EACCES).
 */
export async function makeReadOnly(file: string): Promise<() => Promise<void>> {
  if (process.getuid?.() === 0) {
    await execa('chattr', ['+i', file]);
    return async () => void (await execa('chattr', ['-i', file]));
  }
  await chmod(file, 0o555);
  return () => chmod(file, 0o755);
}
