import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlannedFile } from '../../generators/render.js';
import { writeProject } from '../../generators/write.js';
import { listFiles, removeDir, tempDir } from '../helpers/paths.js';

const file = (p: string, text = p): PlannedFile => ({ path: p, contents: Buffer.from(text) });
const PLAN = [file('package.json', '{}\n'), file('.gitignore'), file('src/main.ts'), file('test/app.test.ts')];

describe('writeProject', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(async () => {
    await removeDir(root);
  });

  it('creates a new target with exactly the planned files', async () => {
    const target = path.join(root, 'deep', 'er', 'svc');
    await writeProject(PLAN, target, 'missing');
    expect(await listFiles(target)).toEqual(['.gitignore', 'package.json', 'src/main.ts', 'test/app.test.ts']);
    expect(await readFile(path.join(target, 'src/main.ts'), 'utf8')).toBe('src/main.ts');
    expect(await readdir(path.join(root, 'deep', 'er'))).toEqual(['svc']);
  });

  it('fills an existing empty target in place (it may be the cwd)', async () => {
    const target = path.join(root, 'svc');
    await mkdir(target);
    await writeProject(PLAN, target, 'empty');
    expect(await listFiles(target)).toHaveLength(4);
    expect(await readdir(root)).toEqual(['svc']);
  });

  it('a failure mid-write leaves nothing behind, not even the parents it made, and a retry works', async () => {
    const target = path.join(root, 'new-parent', 'svc');
    // 'src/main.ts' as a file, then as a folder: the second write fails after the first succeeded.
    const broken = [file('src/main.ts'), file('src/main.ts/x.ts')];
    await expect(writeProject(broken, target, 'missing')).rejects.toThrow();
    expect(await readdir(root)).toEqual([]);
    await writeProject(PLAN, target, 'missing');
    expect(await listFiles(target)).toHaveLength(4);
  });

  it('a failure into an existing empty target empties it again and keeps the folder', async () => {
    const target = path.join(root, 'svc');
    await mkdir(target);
    await writeFile(path.join(root, 'neighbour.txt'), 'keep me');
    await expect(writeProject([file('a'), file('a/b')], target, 'empty')).rejects.toThrow();
    expect(await readdir(target)).toEqual([]);
    expect((await readdir(root)).sort()).toEqual(['neighbour.txt', 'svc']);
  });
});
