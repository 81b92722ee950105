import { lstatSync, readdirSync, statSync } from 'node:fs';
import { environmentError, LoopsvcError, printable } from '../shared/errors.js';
import { pathLengthProblem } from '../shared/names.js';
import { findInterrupted, recoverInterrupted } from '../shared/write.js';

export type TargetState = 'missing' | 'empty';

/**
 * The target must not exist or must be an empty directory. Anything else stops the run before
 * a single byte is written: there is no option that deletes or overwrites the user's files. What
 * a killed run of ours left there is recognised: cleaned (`notes` says so) unless `dryRun`.
 */
export async function checkTarget(dir: string, shown: string, options: { dryRun?: boolean; notes?: string[] } = {}): Promise<TargetState> {
  const quoted = JSON.stringify(printable(shown));
  const tooLong = pathLengthProblem(dir);
  if (tooLong) throw new LoopsvcError('INVALID_DIR', `${quoted}: ${tooLong}`);
  let link;
  try {
    link = lstatSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new LoopsvcError('TARGET_UNDER_FILE', `${quoted}: a part of the path is a file, not a folder; choose another target directory`);
    throw environmentError(error, 'nothing was written') ?? error;
  }
  if (link === undefined) return 'missing';
  const info = link.isSymbolicLink() ? linkTarget(dir) : link;
  if (info === undefined) {
    throw new LoopsvcError('TARGET_DANGLING_LINK', `${quoted} is a symbolic link to a path that does not exist; remove the link or choose another target directory`);
  }
  if (!info.isDirectory()) {
    throw new LoopsvcError('TARGET_NOT_DIR', `${quoted} exists and is not a directory; choose another target directory`);
  }
  const interrupted = await findInterrupted(dir);
  if (interrupted.length > 0 && !options.dryRun) options.notes?.push(...(await recoverInterrupted(dir)));
  let entries;
  try {
    entries = readdirSync(dir);
  } catch (error) {
    throw environmentError(error, 'nothing was written') ?? error;
  }
  if (entries.length > 0) {
    const leftover = interrupted.length > 0 && options.dryRun ? ' (files of an interrupted create-loopsvc run: a real run removes them first)' : '';
    throw new LoopsvcError(
      'TARGET_NOT_EMPTY',
      `${quoted} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'})${leftover}; choose a new or empty directory, nothing was changed`,
    );
  }
  return 'empty';
}

/** What a symbolic link points to; undefined when that does not exist or cannot be reached (a loop). */
function linkTarget(dir: string) {
  try {
    return statSync(dir);
  } catch {
    return undefined;
  }
}
