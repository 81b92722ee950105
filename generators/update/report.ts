import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capture } from '../shared/exec.js';
import type { UpdatePlan } from './plan.js';
import { RECORD_FILE } from './record.js';

const VERBS = { create: 'create', remove: 'remove', template: 'update', merged: 'merge', conflict: 'conflict' } as const;

/** One line per planned change, then what was kept on the user's side. */
export function printPlan(plan: UpdatePlan, out: (line: string) => void): void {
  for (const op of plan.ops) {
    const verb = op.kind === 'replace' ? VERBS[op.how] : VERBS[op.kind];
    const hunks = plan.conflicts.find((c) => c.path === op.path)?.hunks;
    out(`  ${verb.padEnd(9)}${op.path}${hunks ? ` (${hunks} conflict${hunks === 1 ? '' : 's'})` : ''}`);
  }
  for (const note of plan.notes) out(`  ${note}`);
}

/** The plan as a unified diff (`git diff --no-index` of the before and after trees), the record left out. */
export async function unifiedDiff(plan: UpdatePlan): Promise<string> {
  const ops = plan.ops.filter((op) => op.path !== RECORD_FILE);
  if (ops.length === 0) return '';
  const scratch = await mkdtemp(path.join(tmpdir(), 'loopsvc-diff-'));
  try {
    for (const op of ops) {
      const sides: Array<[string, Buffer | undefined]> = [
        ['a', op.kind === 'create' ? undefined : op.before],
        ['b', op.kind === 'remove' ? undefined : op.after],
      ];
      for (const [side, contents] of sides) {
        if (contents === undefined) continue;
        const file = path.join(scratch, side, ...op.path.split('/'));
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, contents);
      }
    }
    await mkdir(path.join(scratch, 'a'), { recursive: true });
    await mkdir(path.join(scratch, 'b'), { recursive: true });
    const result = await capture('git', ['diff', '--no-index', '--no-color', '--no-ext-diff', '--src-prefix=', '--dst-prefix=', 'a', 'b'], { cwd: scratch });
    // paths come out as a/<file> and b/<file>, which is what a reader expects
    return String(result.stdout);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
