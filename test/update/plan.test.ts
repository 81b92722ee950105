import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyUpdatePlan } from '../../generators/update/apply.js';
import { planUpdate, type BaseFiles } from '../../generators/update/plan.js';
import { gitBlobId } from '../../generators/shared/blob-id.js';
import { RECORD_FILE } from '../../generators/update/record.js';
import type { Step } from '../../generators/shared/write.js';
import { listFiles, removeDir, tempDir } from '../helpers/paths.js';

const labels = { ours: 'yours', base: 'old', theirs: 'new' };
const text = (...lines: string[]) => `${lines.join('\n')}\n`;

/** A service folder holding `current`, generated from `old`, updated to `next`. */
async function scenario(dir: string, old: Record<string, string>, current: Record<string, string>, next: Record<string, string>) {
  for (const [file, contents] of Object.entries(current)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), contents);
  }
  const base: BaseFiles = {
    ids: Object.fromEntries(Object.entries(old).map(([f, c]) => [f, gitBlobId(c)])),
    content: async (file) => (old[file] === undefined ? undefined : Buffer.from(old[file])),
  };
  const files = Object.entries(next).map(([p, c]) => ({ path: p, contents: Buffer.from(c) }));
  return planUpdate({ serviceDir: dir, base, next: files, labels });
}

describe('planUpdate and applyUpdatePlan', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('loopsvc-plan-');
  });
  afterEach(() => removeDir(dir));

  it('sorts every file into its case, and applying it gives the expected tree', async () => {
    const old = {
      'untouched.ts': text('v1'),
      'same.ts': text('same'),
      'edited.ts': text('a', 'b', 'c', 'd', 'e'),
      'clash.ts': text('a', 'b', 'c'),
      'dropped.ts': text('old'),
      'dropped-edited.ts': text('old'),
      'deleted.ts': text('v1'),
    };
    const current = {
      'untouched.ts': old['untouched.ts'],
      'same.ts': text('same, edited by the user'),
      'edited.ts': text('a', 'B by user', 'c', 'd', 'e'),
      'clash.ts': text('a', 'user', 'c'),
      'dropped.ts': old['dropped.ts'],
      'dropped-edited.ts': text('old, edited'),
      'mine.ts': text('the user\'s own file'),
      [RECORD_FILE]: '{}\n',
    };
    const next = {
      'untouched.ts': text('v2'),
      'same.ts': text('same'),
      'edited.ts': text('a', 'b', 'c', 'd', 'E by template'),
      'clash.ts': text('a', 'template', 'c'),
      'added.ts': text('new'),
      'deleted.ts': text('v2'),
      [RECORD_FILE]: '{"new":true}\n',
    };
    const plan = await scenario(dir, old, current, next);
    expect(plan.ops.map((op) => [op.kind === 'replace' ? op.how : op.kind, op.path])).toEqual([
      ['create', 'added.ts'],
      ['conflict', 'clash.ts'],
      ['remove', 'dropped.ts'],
      ['merged', 'edited.ts'],
      ['template', 'untouched.ts'],
      ['template', RECORD_FILE],
    ]);
    expect(plan.conflicts).toEqual([{ path: 'clash.ts', hunks: 1 }]);
    expect(plan.notes).toEqual([
      'not recreated deleted.ts: you deleted it, and the template changed it',
      'kept dropped-edited.ts: the template no longer generates it, and you changed it',
    ]);

    await applyUpdatePlan(plan);
    const read = (file: string) => readFile(path.join(dir, file), 'utf8');
    expect(await listFiles(dir)).toEqual(['.loopsvc.json', 'added.ts', 'clash.ts', 'dropped-edited.ts', 'edited.ts', 'mine.ts', 'same.ts', 'untouched.ts']);
    expect(await read('untouched.ts')).toBe(text('v2'));
    expect(await read('edited.ts')).toBe(text('a', 'B by user', 'c', 'd', 'E by template'));
    expect(await read('clash.ts')).toBe(text('a', '<<<<<<< yours', 'user', '=======', 'template', '>>>>>>> new', 'c'));
    expect(await read('same.ts')).toBe(current['same.ts']);
    expect(await read('mine.ts')).toBe(current['mine.ts']);
    expect(await read(RECORD_FILE)).toBe('{"new":true}\n');
  });

  it('merges package.json as data and lists what stayed the user\'s', async () => {
    const pkg = (deps: object, extra: object = {}) => `${JSON.stringify({ name: 'svc', ...extra, dependencies: deps }, null, 2)}\n`;
    const plan = await scenario(
      dir,
      { 'package.json': pkg({ fastify: '^5.0.0', pino: '^9.0.0' }) },
      { 'package.json': pkg({ fastify: '^5.0.0', pino: '^9.1.0', zod: '^4.0.0' }, { private: true }) },
      { 'package.json': pkg({ fastify: '^5.2.0', pino: '^10.0.0' }) },
    );
    expect(plan.notes).toEqual(['package.json: kept your dependencies.pino; the template has "^10.0.0"']);
    await applyUpdatePlan(plan);
    expect(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'))).toEqual({
      name: 'svc',
      private: true,
      dependencies: { fastify: '^5.2.0', pino: '^9.1.0', zod: '^4.0.0' },
    });
  });

  it('never overwrites a file of the user at a path the template adds: both sides are kept, marked', async () => {
    const plan = await scenario(dir, {}, { 'src/new.ts': text('ours') }, { 'src/new.ts': text('theirs') });
    expect(plan.conflicts).toEqual([{ path: 'src/new.ts', hunks: 1 }]);
    await applyUpdatePlan(plan);
    expect(await readFile(path.join(dir, 'src/new.ts'), 'utf8')).toBe(text('<<<<<<< yours', 'ours', '=======', 'theirs', '>>>>>>> new'));
  });

  it('changes nothing when a planned file changed before it is written', async () => {
    const plan = await scenario(dir, { 'a.ts': 'a1\n', 'b.ts': 'b1\n' }, { 'a.ts': 'a1\n', 'b.ts': 'b1\n' }, { 'a.ts': 'a2\n', 'b.ts': 'b2\n', 'c.ts': 'c\n' });
    await writeFile(path.join(dir, 'b.ts'), 'b1, edited meanwhile\n');
    await expect(applyUpdatePlan(plan)).rejects.toThrow(/b\.ts changed while create-loopsvc was running; nothing was written, re-run to plan again/);
    expect(await readFile(path.join(dir, 'a.ts'), 'utf8')).toBe('a1\n');
    expect(await listFiles(dir)).toEqual(['a.ts', 'b.ts']);
  });

  it('never writes over a file that appeared after planning: refused by the check, nothing written', async () => {
    const plan = await scenario(dir, { 'a.ts': 'a1\n' }, { 'a.ts': 'a1\n' }, { 'a.ts': 'a2\n', 'z.ts': 'z\n' });
    expect(plan.ops.map((op) => [op.kind, op.path])).toEqual([['replace', 'a.ts'], ['create', 'z.ts']]);
    await writeFile(path.join(dir, 'z.ts'), "the user's\n");
    await expect(applyUpdatePlan(plan)).rejects.toMatchObject({ code: 'PATH_CONFLICT', message: expect.stringMatching(/z\.ts already exists, and nothing is ever overwritten/) });
    expect(await readFile(path.join(dir, 'a.ts'), 'utf8')).toBe('a1\n');
    expect(await readFile(path.join(dir, 'z.ts'), 'utf8')).toBe("the user's\n");
  });

  it('a file changed while it writes: every change already made is put back, the new files removed', async () => {
    const plan = await scenario(dir, { 'a.ts': 'a1\n', 'b.ts': 'b1\n' }, { 'a.ts': 'a1\n', 'b.ts': 'b1\n' }, { 'a.ts': 'a2\n', 'b.ts': 'b2\n', 'src/z.ts': 'z\n' });
    const onStep = async (step: Step) => {
      // a.ts is already replaced and src/z.ts placed when the user saves b.ts
      if (step.kind === 'edit' && step.path.endsWith('b.ts')) await writeFile(path.join(dir, 'b.ts'), 'b1, saved by the user\n');
    };
    await expect(applyUpdatePlan(plan, { onStep })).rejects.toMatchObject({ code: 'FILE_CHANGED', exitCode: 1 });
    expect(await readFile(path.join(dir, 'a.ts'), 'utf8')).toBe('a1\n');
    expect(await readFile(path.join(dir, 'b.ts'), 'utf8')).toBe('b1, saved by the user\n');
    expect(await readdir(dir)).toEqual(expect.not.arrayContaining(['src']));
    expect((await readdir(dir)).sort()).toEqual(['a.ts', 'b.ts']);
  });

  it('a file the template dropped is removed only as the template wrote it, and SIGTERM mid-run puts it back, mode and bytes', async () => {
    const plan = await scenario(dir, { 'old.sh': '#!/bin/sh\necho old\n', 'a.ts': 'a1\n' }, { 'old.sh': '#!/bin/sh\necho old\n', 'a.ts': 'a1\n' }, { 'a.ts': 'a2\n' });
    expect(plan.ops.map((op) => [op.kind, op.path])).toEqual([['replace', 'a.ts'], ['remove', 'old.sh']]);
    await chmod(path.join(dir, 'old.sh'), 0o755);
    // the removal comes before the edits: a SIGTERM at the edit of a.ts finds old.sh removed
    const onStep = (step: Step) => {
      if (step.kind === 'edit') process.kill(process.pid, 'SIGTERM');
    };
    await expect(applyUpdatePlan(plan, { onStep })).rejects.toMatchObject({ name: 'CancelledError', signal: 'SIGTERM' });
    expect(await readFile(path.join(dir, 'old.sh'), 'utf8')).toBe('#!/bin/sh\necho old\n');
    expect((await stat(path.join(dir, 'old.sh'))).mode & 0o777).toBe(0o755);
    expect(await readFile(path.join(dir, 'a.ts'), 'utf8')).toBe('a1\n');
    expect((await readdir(dir)).sort()).toEqual(['a.ts', 'old.sh']);

    await applyUpdatePlan(plan);
    expect((await readdir(dir)).sort()).toEqual(['a.ts']);
  });

  it('a file to remove that the user changed after planning is kept, and nothing is written', async () => {
    const plan = await scenario(dir, { 'old.ts': 'old\n', 'a.ts': 'a1\n' }, { 'old.ts': 'old\n', 'a.ts': 'a1\n' }, { 'a.ts': 'a2\n' });
    await writeFile(path.join(dir, 'old.ts'), 'old, now the user\'s\n');
    await expect(applyUpdatePlan(plan)).rejects.toMatchObject({ code: 'FILE_CHANGED' });
    expect(await readFile(path.join(dir, 'old.ts'), 'utf8')).toBe("old, now the user's\n");
    expect(await readFile(path.join(dir, 'a.ts'), 'utf8')).toBe('a1\n');
  });

  it('a replaced file keeps its mode (an executable script stays executable)', async () => {
    const plan = await scenario(dir, { 'run.sh': '#!/bin/sh\necho 1\n' }, { 'run.sh': '#!/bin/sh\necho 1\n' }, { 'run.sh': '#!/bin/sh\necho 2\n' });
    await chmod(path.join(dir, 'run.sh'), 0o755);
    await applyUpdatePlan(plan);
    expect(await readFile(path.join(dir, 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho 2\n');
    expect((await stat(path.join(dir, 'run.sh'))).mode & 0o777).toBe(0o755);
  });
});
