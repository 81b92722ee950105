import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { capture } from '../shared/exec.js';
import { CancelledError, EXIT, LoopsvcError } from '../shared/errors.js';
import type { UpdatePlan } from './plan.js';

/**
 * The one place `update` writes. Every file to replace or remove must still hold what planning
 * read, new files are created exclusively (never over a file that appeared meanwhile), and any
 * failure or Ctrl-C puts back every file already changed, so the service is either updated or
 * as it was.
 */
export async function applyUpdatePlan(plan: UpdatePlan): Promise<void> {
  const full = (file: string) => path.join(plan.serviceDir, ...file.split('/'));
  for (const op of plan.ops) {
    if (op.kind !== 'create') await expectContent(full(op.path), op.path, op.before);
  }
  const undo: Array<() => Promise<unknown>> = [];
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    for (const op of plan.ops) {
      const file = full(op.path);
      if (op.kind === 'create') {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, op.after, { flag: 'wx' });
        undo.push(() => rm(file, { force: true }));
      } else {
        await expectContent(file, op.path, op.before);
        if (op.kind === 'remove') await rm(file);
        else await replaceFile(file, op.after);
        undo.push(() => writeFile(file, op.before));
      }
      if (interrupted) throw new CancelledError();
    }
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
  await keepBases(plan);
}

async function expectContent(file: string, shown: string, before: Buffer): Promise<void> {
  const now = await readFile(file).catch(() => undefined);
  if (!now?.equals(before)) {
    throw new LoopsvcError('UPDATE_CHANGED_MEANWHILE', `${shown} changed while create-loopsvc update was running; nothing was changed, re-run it`, EXIT.failed);
  }
}

/** Written beside it and renamed over it, so a file is never half written. */
async function replaceFile(file: string, contents: Buffer): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, contents, { flag: 'wx' });
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * The template's own version of each merged file goes into the repository's object store, so
 * the next update finds its base in git (the record names it) even though it was never
 * committed. Best effort: without it, the next update renders the version from the registry.
 */
async function keepBases(plan: UpdatePlan): Promise<void> {
  for (const contents of plan.bases) {
    await capture('git', ['hash-object', '-w', '--stdin'], { cwd: plan.serviceDir, input: contents });
  }
}
