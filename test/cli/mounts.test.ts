import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeDir, tempDir } from '../helpers/paths.js';

// Targets on another file system than their parent (a Docker volume, a tmpfs), and a full disk,
// on real tmpfs mounts. Mounting needs root (CI containers have it); elsewhere these are skipped.

const canMount = await (async () => {
  if (process.getuid?.() !== 0) return false;
  const probe = await tempDir('loopsvc-mount-probe-');
  const ok = await execa('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'none', probe], { reject: false });
  if (ok.exitCode === 0) await execa('umount', [probe]);
  await removeDir(probe);
  return ok.exitCode === 0;
})();

describe.skipIf(!canMount)('other file systems (tmpfs mounts; needs root)', () => {
  let cwd: string;
  const mounts: string[] = [];
  async function mount(dir: string, size: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await execa('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'none', dir]);
    mounts.push(dir);
  }
  beforeEach(async () => {
    cwd = await tempDir();
  });
  afterEach(async () => {
    for (const dir of mounts.splice(0).reverse()) await execa('umount', [dir], { reject: false });
    await removeDir(cwd);
  });

  it('generates into an empty mount point (create loopsvc . in a volume): staging stays on its file system', async () => {
    const volume = path.join(cwd, 'volume');
    await mount(volume, '16m');
    const r = await runCli(['.', '--template', 'worker', '--name', 'svc', '--no-install', '--no-git'], { cwd: volume });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readdir(volume)).toContain('package.json');
    expect((await readdir(volume)).filter((e) => e.startsWith('.loopsvc-'))).toEqual([]);
    expect(await readdir(cwd)).toEqual(['volume']);
  });

  it('a full disk is one line naming the path and the fix (exit 1), and nothing is left', async () => {
    const small = path.join(cwd, 'small');
    await mount(small, '64k');
    const r = await runCli(['svc', '--template', 'worker', '--no-install', '--no-git'], { cwd: small });
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: cannot write .*small.*: no space left on the device .*free some space and retry/);
    expect(await readdir(small)).toEqual([]);
  });
});
