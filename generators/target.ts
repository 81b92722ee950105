import { readdir, stat } from 'node:fs/promises';
import { LoopsvcError } from './errors.js';

export type TargetState = 'missing' | 'empty';

/**
 * The target must not exist or must be an empty directory. Anything else stops the run before
 * a single byte is written: there is no option that deletes or overwrites the user's files.
 */
export async function checkTarget(dir: string, shown: string): Promise<TargetState> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  if (!info.isDirectory()) {
    throw new LoopsvcError('TARGET_NOT_DIR', `${JSON.stringify(shown)} exists and is not a directory; choose another target directory`);
  }
  const entries = await readdir(dir);
  if (entries.length > 0) {
    throw new LoopsvcError(
      'TARGET_NOT_EMPTY',
      `${JSON.stringify(shown)} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}); choose a new or empty directory, nothing was changed`,
    );
  }
  return 'empty';
}
