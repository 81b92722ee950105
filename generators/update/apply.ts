import path from 'node:path';
import { capture } from '../shared/exec.js';
import { writePlan, type ApplyHooks } from '../shared/write.js';
import type { UpdatePlan } from './plan.js';

/**
 * The one place `update` writes, through the write engine (generators/shared/write.ts) like every
 * other command: the whole plan is checked first (every file to replace or remove still holds
 * what planning read, every new file is absent), new files are placed exclusively, replaced ones
 * renamed over the original only while it still holds what was read (its mode kept), removed ones
 * moved aside, and any failure or SIGINT, SIGTERM or SIGHUP puts back everything already changed:
 * the service is either updated or as it was.
 */
export async function applyUpdatePlan(plan: UpdatePlan, hooks: ApplyHooks = {}): Promise<void> {
  const full = (file: string) => path.join(plan.serviceDir, ...file.split('/'));
  await writePlan(
    {
      root: plan.serviceDir,
      newRoot: false,
      creates: plan.ops.flatMap((op) => (op.kind === 'create' ? [{ path: op.path, contents: op.after }] : [])),
      edits: plan.ops.flatMap((op) => (op.kind === 'replace' ? [{ path: full(op.path), before: op.before, after: op.after }] : [])),
      removes: plan.ops.flatMap((op) => (op.kind === 'remove' ? [{ path: full(op.path), before: op.before }] : [])),
    },
    hooks,
  );
  await keepBases(plan);
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
