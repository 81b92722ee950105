import { lstat, mkdir, readdir, readFile, readlink, rename, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, LoopsvcError } from '../../generators/shared/errors.js';
import { checkTarget } from '../../generators/create/target.js';
import { applyPlan, checkPlan, findInterrupted, recoverInterrupted, writePlan, type Plan, type PlannedCreate, type Step } from '../../generators/shared/write.js';
import { listFiles, REPO_ROOT, removeDir, tempDir } from '../helpers/paths.js';
import { makeReadOnly } from '../helpers/read-only.js';

const file = (p: string, text = p): PlannedCreate => ({ path: p, contents: text });
const FILES = [file('package.json', '{}\n'), file('.gitignore'), file('src/main.ts'), file('test/app.test.ts')];
const project = (root: string, creates = FILES): Plan => ({ root, newRoot: true, creates, edits: [] });

/** The hook that runs `action` once, before the given step. */
function at(kind: Step['kind'], suffix: string, action: () => unknown) {
  let done = false;
  return {
    onStep: async (s: Step) => {
      if (!done && s.kind === kind && s.path.endsWith(suffix)) {
        done = true;
        await action();
      }
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<LoopsvcError | CancelledError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LoopsvcError || error instanceof CancelledError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

describe('the write engine: plan, check, apply', () => {
  it('creates a new target, parents included, with exactly the planned files and no staging left', async () => {
    const target = path.join(root, 'deep', 'er', 'svc');
    await writePlan(project(target));
    expect(await listFiles(target)).toEqual(['.gitignore', 'package.json', 'src/main.ts', 'test/app.test.ts']);
    expect(await readFile(path.join(target, 'src/main.ts'), 'utf8')).toBe('src/main.ts');
    expect(await readdir(target)).not.toContainEqual(expect.stringMatching(/^\.loopsvc-/));
    expect((await stat(path.join(target, 'src/main.ts'))).nlink).toBe(1);
  });

  it('fills an existing empty target in place (it may be the cwd or a mount point)', async () => {
    const target = path.join(root, 'svc');
    await mkdir(target);
    await writePlan(project(target));
    expect(await listFiles(target)).toHaveLength(4);
    expect(await readdir(root)).toEqual(['svc']);
  });

  it('a failure mid-write leaves nothing behind, not even the parents it made, and a retry works', async () => {
    const target = path.join(root, 'new-parent', 'svc');
    const hooks = at('place', 'test/app.test.ts', () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    await expect(writePlan(project(target), hooks)).rejects.toThrow('ENOSPC');
    expect(await readdir(root)).toEqual([]);
    await writePlan(project(target));
    expect(await listFiles(target)).toHaveLength(4);
  });

  it("a user's file that appears during the move survives, and the run removes only its own", async () => {
    const target = path.join(root, 'svc');
    await mkdir(target);
    const hooks = at('place', 'src/main.ts', () => writeFile(path.join(target, 'src', 'main.ts'), 'mine'));
    const error = await rejection(writePlan(project(target), hooks));
    expect(error.message).toMatch(/src\/main\.ts appeared while writing .* was kept; nothing of yours was changed/);
    expect((error as LoopsvcError).exitCode).toBe(1);
    expect(await listFiles(target)).toEqual(['src/main.ts']);
    expect(await readFile(path.join(target, 'src', 'main.ts'), 'utf8')).toBe('mine');
  });

  it('a README.md written into the target during the move is kept (the ENOTEMPTY data loss)', async () => {
    const target = path.join(root, 'svc');
    await mkdir(target);
    const creates = [file('README.md', 'generated'), ...FILES];
    const error = await rejection(writePlan(project(target, creates), at('place', 'README.md', () => writeFile(path.join(target, 'README.md'), 'my notes'))));
    expect(error).toBeInstanceOf(LoopsvcError);
    expect(await listFiles(target)).toEqual(['README.md']);
    expect(await readFile(path.join(target, 'README.md'), 'utf8')).toBe('my notes');
  });

  it('a placed file that the user replaced is not removed by the rollback, nor a folder holding their file', async () => {
    const target = path.join(root, 'svc');
    const hooks = at('placed', 'src/main.ts', async () => {
      // an editor saving over a file the run placed: a new inode at the same path
      await writeFile(path.join(target, 'src', 'new.ts'), 'mine');
      await rename(path.join(target, 'src', 'new.ts'), path.join(target, 'src', 'main.ts'));
      await writeFile(path.join(target, 'src', 'notes.txt'), 'mine too');
      throw new Error('disk went away');
    });
    await expect(writePlan(project(target), hooks)).rejects.toThrow('disk went away');
    expect(await listFiles(target)).toEqual(['src/main.ts', 'src/notes.txt']);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s during the write rolls back exactly what the run created', async (signal) => {
    const target = path.join(root, 'parent', 'svc');
    const listeners = process.listenerCount(signal);
    const error = await rejection(writePlan(project(target), at('place', 'src/main.ts', () => process.emit(signal, signal))));
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).exitCode).toBe({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal]);
    expect(await readdir(root)).toEqual([]);
    expect(process.listenerCount(signal)).toBe(listeners);
  });

  it('two runs racing into one empty folder: one wins with every file, the other changes nothing', async () => {
    const target = path.join(root, 'svc');
    await mkdir(target);
    const other = await checkPlan(project(target, [file('package.json', '{"other":true}\n'), file('src/other.ts')]));
    let second: unknown;
    const hooks = at('place', 'src/main.ts', async () => {
      second = await applyPlan(other).catch((error: unknown) => error);
    });
    await writePlan(project(target), hooks);
    expect(second).toBeInstanceOf(LoopsvcError);
    expect((second as LoopsvcError).message).toMatch(/is no longer empty .* another program or run is writing there/);
    expect(await listFiles(target)).toEqual(['.gitignore', 'package.json', 'src/main.ts', 'test/app.test.ts']);
    expect(await readFile(path.join(target, 'package.json'), 'utf8')).toBe('{}\n');
  });

  it('a second run that starts while the first is placing files fails at its first file and removes only its own', async () => {
    const target = path.join(root, 'svc');
    await mkdir(target);
    const first = await checkPlan(project(target));
    const second = await checkPlan({ root: target, newRoot: false, creates: [file('package.json', '{"second":true}\n')], edits: [] });
    let outcome: unknown;
    await applyPlan(first, at('placed', 'package.json', async () => (outcome = await applyPlan(second).catch((e: unknown) => e))));
    expect((outcome as LoopsvcError).code).toBe('PATH_CONFLICT');
    expect(await listFiles(target)).toEqual(['.gitignore', 'package.json', 'src/main.ts', 'test/app.test.ts']);
    expect(await readFile(path.join(target, 'package.json'), 'utf8')).toBe('{}\n');
  });

  it('checks the whole plan first: a path taken, a file where a folder goes, a name too long', async () => {
    await writeFile(path.join(root, 'taken.txt'), 'x');
    await writeFile(path.join(root, 'src'), 'a file');
    const existing = (creates: PlannedCreate[]) => checkPlan({ root, newRoot: false, creates, edits: [] });
    await expect(existing([file('new.txt'), file('taken.txt')])).rejects.toThrow(/taken\.txt already exists, and nothing is ever overwritten/);
    await expect(existing([file('src/a.ts')])).rejects.toThrow(/src is a file where a folder must go/);
    await expect(existing([file(`${'n'.repeat(256)}.ts`)])).rejects.toThrow(/is 259 bytes long, and file systems take at most 255/);
    expect((await listFiles(root)).sort()).toEqual(['src', 'taken.txt']);
  });

  it.each([238, 250, 255])('a target name of %i bytes works: staging never lengthens it', async (bytes) => {
    const target = path.join(root, 'é'.repeat(Math.floor(bytes / 2)) + 'a'.repeat(bytes % 2));
    expect(Buffer.byteLength(path.basename(target))).toBe(bytes);
    await writePlan(project(target));
    expect(await listFiles(target)).toHaveLength(4);
  });

  it('a target name of 256 bytes is refused by the check (exit 2), before anything exists', async () => {
    const error = await rejection(checkPlan(project(path.join(root, 'a'.repeat(256)))));
    expect(error).toMatchObject({ code: 'INVALID_PATH_NAME', exitCode: 2 });
    expect(await readdir(root)).toEqual([]);
  });

  it('a parent that cannot be written is found by the check: one line, exit 1, nothing written', async () => {
    const parent = path.join(root, 'locked');
    await mkdir(parent);
    const undo = await makeReadOnly(parent);
    try {
      const error = await rejection(checkPlan(project(path.join(parent, 'svc'))));
      expect(error).toMatchObject({ exitCode: 1 });
      expect(error.message).toMatch(/^cannot write .*locked: (permission denied|operation not permitted).*nothing was written$/);
    } finally {
      await undo();
    }
  });
});

describe('edits', () => {
  const edited = (p: string, before: string, after: string): Plan => ({ root, newRoot: false, creates: [file('src/new.ts')], edits: [{ path: p, before, after }] });

  it('replaces the file when it still holds what was planned, keeping its mode and a symlink', async () => {
    const real = path.join(root, 'real.json');
    await writeFile(real, 'before', { mode: 0o640 });
    await symlink('real.json', path.join(root, 'package.json'));
    await writePlan(edited(path.join(root, 'package.json'), 'before', 'after'));
    expect(await readlink(path.join(root, 'package.json'))).toBe('real.json');
    expect(await readFile(real, 'utf8')).toBe('after');
    expect((await stat(real)).mode & 0o777).toBe(0o640);
    expect((await readdir(root)).sort()).toEqual(['package.json', 'real.json', 'src']);
  });

  it('a read-only file to edit (the root package.json of a workspace) stops the check, before any file is created', async () => {
    const pkg = path.join(root, 'package.json');
    await writeFile(pkg, 'before');
    const undo = await makeReadOnly(pkg);
    try {
      const error = await rejection(checkPlan(edited(pkg, 'before', 'after')));
      expect(error).toMatchObject({ exitCode: 1 });
      expect(error.message).toContain(`cannot write ${pkg}`);
    } finally {
      await undo();
    }
    expect((await readdir(root)).sort()).toEqual(['package.json']);
  });

  it('a file that changed between plan and apply is left as it is, and the new files are removed', async () => {
    const pkg = path.join(root, 'package.json');
    await writeFile(pkg, 'before');
    const checked = await checkPlan(edited(pkg, 'before', 'after'));
    const error = await rejection(applyPlan(checked, at('edit', 'package.json', () => writeFile(pkg, 'theirs'))));
    expect(error).toMatchObject({ code: 'FILE_CHANGED', exitCode: 1 });
    expect(await readFile(pkg, 'utf8')).toBe('theirs');
    expect((await readdir(root)).sort()).toEqual(['package.json']);
  });

  it('a failure after an edit restores the edited file', async () => {
    const a = path.join(root, 'a.json');
    const b = path.join(root, 'b.json');
    await writeFile(a, 'a0');
    await writeFile(b, 'b0');
    const plan: Plan = { root, newRoot: false, creates: [], edits: [{ path: a, before: 'a0', after: 'a1' }, { path: b, before: 'b0', after: 'b1' }] };
    await expect(writePlan(plan, at('edit', 'b.json', () => process.emit('SIGTERM', 'SIGTERM')))).rejects.toBeInstanceOf(CancelledError);
    expect([await readFile(a, 'utf8'), await readFile(b, 'utf8')]).toEqual(['a0', 'b0']);
    expect((await readdir(root)).sort()).toEqual(['a.json', 'b.json']);
  });

  it('two runs editing one file: the second to arrive fails instead of losing the first edit', async () => {
    const index = path.join(root, 'index.ts');
    await writeFile(index, 'v0');
    const first = await checkPlan({ root, newRoot: false, creates: [file('a.ts')], edits: [{ path: index, before: 'v0', after: 'v0+a' }] });
    const second = await checkPlan({ root, newRoot: false, creates: [file('b.ts')], edits: [{ path: index, before: 'v0', after: 'v0+b' }] });
    let outcome: unknown = 'not run';
    const error = await rejection(applyPlan(second, at('edit', 'index.ts', async () => (outcome = await applyPlan(first).catch((e: unknown) => e)))));
    // `first` completed inside the hook; `second` then found the file changed and undid itself
    expect(outcome).toBeUndefined();
    expect(error).toMatchObject({ code: 'FILE_CHANGED', exitCode: 1 });
    expect(await readFile(index, 'utf8')).toBe('v0+a');
    expect((await readdir(root)).sort()).toEqual(['a.ts', 'index.ts']);
  });

  it('a lock left by a live run stops an edit; one left by a dead run is taken over', async () => {
    const index = path.join(root, 'index.ts');
    await writeFile(index, 'v0');
    const plan = (): Plan => ({ root, newRoot: false, creates: [], edits: [{ path: index, before: 'v0', after: 'v1' }] });
    await writeFile(`${index}.loopsvc-lock`, `${process.ppid}\n`);
    await expect(writePlan(plan())).rejects.toThrow(/being edited by another create-loopsvc run \(pid \d+/);
    await writeFile(`${index}.loopsvc-lock`, '999999999\n');
    await writePlan(plan());
    expect(await readFile(index, 'utf8')).toBe('v1');
    expect((await readdir(root)).sort()).toEqual(['index.ts']);
  });
});

describe('a signal that comes while the files are written', () => {
  // A real signal, sent while the engine runs only synchronous calls: its handler can run only
  // when the event loop turns, which awaiting a step does not do. Run in a process of its own.
  it.each([
    ['stage', 'src/main.ts'],
    ['placed', 'src/main.ts'],
  ] as const)('SIGTERM sent at the %s step of %s still stops the run and rolls back everything', async (kind, at) => {
    const target = path.join(root, 'svc');
    const script = `
      import { writePlan } from ${JSON.stringify(path.join(REPO_ROOT, 'generators/shared/write.ts'))};
      const plan = JSON.parse(process.argv[1]);
      try {
        await writePlan(plan, { onStep: (s) => { if (s.kind === ${JSON.stringify(kind)} && s.path.endsWith(${JSON.stringify(at)})) process.kill(process.pid, 'SIGTERM'); } });
        console.log('finished');
      } catch (error) {
        console.log(error.name, error.signal);
      }
    `;
    const result = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(project(target))], { reject: false, cwd: REPO_ROOT });
    expect(result.stdout).toBe('CancelledError SIGTERM');
    expect(await readdir(root)).toEqual([]);
  });
});

describe('a killed run', () => {
  async function killedRun(target: string, creates: PlannedCreate[], killAt: string): Promise<void> {
    const script = `
      import { writePlan } from ${JSON.stringify(path.join(REPO_ROOT, 'generators/shared/write.ts'))};
      const plan = JSON.parse(process.argv[1]);
      await writePlan(plan, { onStep: (s) => { if (s.kind === 'placed' && s.path.endsWith(${JSON.stringify(killAt)})) process.kill(process.pid, 'SIGKILL'); } });
    `;
    const result = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(project(target, creates))], { reject: false, cwd: REPO_ROOT });
    expect(result.signal).toBe('SIGKILL');
  }

  it('leaves a marker that the next run recognises and cleans, removing only its own files', async () => {
    const target = path.join(root, 'svc');
    await killedRun(target, FILES, 'src/main.ts');
    const [run] = await findInterrupted(target);
    expect(run).toMatchObject({ alive: false });
    expect(await listFiles(target)).toContain('src/main.ts');
    await writeFile(path.join(target, 'src', 'mine.txt'), 'added by the user after the crash');

    const notes: string[] = [];
    await expect(checkTarget(target, 'svc', { notes })).rejects.toThrow(/"svc" is not empty \(1 entry\)/);
    expect(notes).toEqual([expect.stringMatching(/^recovered: removed what an interrupted create-loopsvc run \(pid \d+\) had left/)]);
    expect(await listFiles(target)).toEqual(['src/mine.txt']);
  });

  it('a dry run only reports the leftovers; a real run cleans them and then writes', async () => {
    const target = path.join(root, 'svc');
    await killedRun(target, FILES, 'src/main.ts');
    await expect(checkTarget(target, 'svc', { dryRun: true })).rejects.toThrow(/interrupted create-loopsvc run: a real run removes them first/);
    expect(await checkTarget(target, 'svc', { notes: [] })).toBe('empty');
    await writePlan(project(target));
    expect(await listFiles(target)).toHaveLength(4);
  });

  it('a run killed after removing a file (update): the next run puts the file back and removes what the run had placed', async () => {
    const target = path.join(root, 'svc');
    await mkdir(target);
    await writeFile(path.join(target, 'old.ts'), 'as the template wrote it\n');
    await writeFile(path.join(target, 'a.ts'), 'a1\n');
    const plan: Plan = {
      root: target,
      newRoot: false,
      creates: [{ path: 'src/new.ts', contents: 'new\n' }],
      edits: [{ path: path.join(target, 'a.ts'), before: 'a1\n', after: 'a2\n' }],
      removes: [{ path: path.join(target, 'old.ts'), before: 'as the template wrote it\n' }],
    };
    // killed at the edit: src/new.ts is placed and old.ts already moved into the staging folder
    const script = `
      import { writePlan } from ${JSON.stringify(path.join(REPO_ROOT, 'generators/shared/write.ts'))};
      await writePlan(JSON.parse(process.argv[1]), { onStep: (s) => { if (s.kind === 'edit') process.kill(process.pid, 'SIGKILL'); } });
    `;
    const result = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(plan)], { reject: false, cwd: REPO_ROOT });
    expect(result.signal).toBe('SIGKILL');
    expect((await readdir(target)).filter((e) => !e.startsWith('.loopsvc-')).sort()).toEqual(['a.ts', 'old.ts.loopsvc-lock', 'src']);

    const notes = await recoverInterrupted(target);
    expect(notes).toEqual([expect.stringMatching(/^recovered: removed what an interrupted create-loopsvc run \(pid \d+\) had left in .*, and put back the files it had removed$/)]);
    expect((await readdir(target)).sort()).toEqual(['a.ts', 'old.ts']);
    expect(await readFile(path.join(target, 'old.ts'), 'utf8')).toBe('as the template wrote it\n');
    expect(await readFile(path.join(target, 'a.ts'), 'utf8')).toBe('a1\n');
  });

  it('a staging folder of a run that is still alive is reported, never cleaned', async () => {
    const target = path.join(root, 'svc');
    await mkdir(path.join(target, '.loopsvc-0000abcd'), { recursive: true });
    await writeFile(path.join(target, '.loopsvc-0000abcd', 'run.json'), JSON.stringify({ pid: process.ppid, folders: [] }));
    await expect(checkTarget(target, 'svc', { notes: [] })).rejects.toThrow(/another create-loopsvc run \(pid \d+\) is writing into/);
    expect(await lstat(path.join(target, '.loopsvc-0000abcd', 'run.json'))).toBeTruthy();
  });
});

describe('the target', () => {
  it('a dangling symlink as target is invalid input (exit 2), an empty folder behind a symlink is fine', async () => {
    await symlink(path.join(root, 'nowhere'), path.join(root, 'dangling'));
    await expect(checkTarget(path.join(root, 'dangling'), 'dangling')).rejects.toMatchObject({ code: 'TARGET_DANGLING_LINK', exitCode: 2 });
    await mkdir(path.join(root, 'real'));
    await symlink(path.join(root, 'real'), path.join(root, 'link'));
    expect(await checkTarget(path.join(root, 'link'), 'link')).toBe('empty');
  });
});
