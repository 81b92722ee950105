import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError } from './errors.js';
import type { PlannedFile } from './render.js';
import type { TargetState } from './target.js';

/**
 * Writes the whole project into a staging folder beside the target, then moves it into place.
 * A new target is one atomic rename; an existing empty target (maybe the user's cwd) receives
 * the staged entries one by one. A failure or Ctrl-C at any point removes only what this run
 * created, so no partial project is left and a retry works.
 */
export async function writeProject(plan: readonly PlannedFile[], target: string, state: TargetState): Promise<void> {
  const parent = path.dirname(target);
  const createdParents = await mkdirTracked(parent);
  const staging = path.join(parent, `.${path.basename(target)}.loopsvc-${randomBytes(4).toString('hex')}`);
  const moved: string[] = [];
  let renamed = false;
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    await mkdir(staging);
    for (const file of plan) {
      const destination = path.join(staging, ...file.path.split('/'));
      await mkdir(path.dirname(destination), { recursive: true });
      await writeFile(destination, file.contents, { flag: 'wx' });
      if (interrupted) throw new CancelledError();
    }
    if (state === 'missing') {
      await rename(staging, target);
      renamed = true;
    } else {
      for (const entry of await readdir(staging)) {
        await rename(path.join(staging, entry), path.join(target, entry));
        moved.push(entry);
      }
      await rmdir(staging);
    }
    if (interrupted) throw new CancelledError();
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (renamed) await rm(target, { recursive: true, force: true });
    for (const entry of moved) await rm(path.join(target, entry), { recursive: true, force: true });
    for (const dir of createdParents.reverse()) await rmdir(dir).catch(() => undefined);
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** mkdir -p that reports which folders it created, so a rollback can remove just those. */
async function mkdirTracked(dir: string): Promise<string[]> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return [];
  const created: string[] = [];
  for (let current = dir; current.length >= first.length; current = path.dirname(current)) {
    created.unshift(current);
    if (current === first) break;
  }
  return created;
}
