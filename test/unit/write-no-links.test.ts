import { linkSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { removeDir, tempDir } from '../helpers/paths.js';

// A file system without hard links (some FUSE, network and FAT mounts): link() fails with EXDEV,
// EPERM or ENOTSUP, and the engine places each file with an exclusive copy instead. (It places
// files with the synchronous calls of node:fs.)
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const linkSync = vi.fn(() => {
    throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
  });
  return { ...fs, default: { ...fs, linkSync }, linkSync };
});

const { writePlan } = await import('../../generators/shared/write.js');
const { LoopsvcError } = await import('../../generators/shared/errors.js');

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

describe('without hard links', () => {
  it('places every file by exclusive copy', async () => {
    await writePlan({ root: path.join(root, 'svc'), newRoot: true, creates: [{ path: 'a.txt', contents: 'a' }, { path: 'src/b.ts', contents: 'b' }], edits: [] });
    expect(await readFile(path.join(root, 'svc', 'src', 'b.ts'), 'utf8')).toBe('b');
    expect((await readdir(path.join(root, 'svc'))).sort()).toEqual(['a.txt', 'src']);
    expect(vi.mocked(linkSync)).toHaveBeenCalled(); // tried to link, and copied
  });

  it('still never replaces a file that appears meanwhile', async () => {
    const target = path.join(root, 'svc');
    const onStep = async (s: { kind: string; path: string }) => {
      if (s.kind === 'place' && s.path.endsWith('b.ts')) await writeFile(path.join(target, 'src', 'b.ts'), 'mine');
    };
    const error = await writePlan({ root: target, newRoot: true, creates: [{ path: 'a.txt', contents: 'a' }, { path: 'src/b.ts', contents: 'b' }], edits: [] }, { onStep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoopsvcError);
    expect(await readFile(path.join(target, 'src', 'b.ts'), 'utf8')).toBe('mine');
    expect(await readdir(target)).toEqual(['src']);
  });
});
