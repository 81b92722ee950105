import { chmod, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { listFiles, removeDir, tempDir } from '../helpers/paths.js';
import { makeReadOnly } from '../helpers/read-only.js';

const T = ['--template', 'worker', '--no-install', '--no-git'];

let cwd: string;
beforeEach(async () => {
  cwd = await tempDir();
});
afterEach(async () => {
  await removeDir(cwd);
});

/** One line on stderr, never the "unexpected error" report with a stack. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toContain('unexpected error');
  return lines[0] ?? '';
}

describe('environmental failures: one line naming the path and the fix, exit 1', () => {
  it('a parent folder the user cannot write', async () => {
    await mkdir(path.join(cwd, 'locked'));
    const undo = await makeReadOnly(path.join(cwd, 'locked'));
    try {
      const r = await runCli(['locked/svc', ...T], { cwd });
      expect(r.exitCode).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/^error: cannot write .*\/locked: (permission denied|operation not permitted).*; nothing was written$/);
    } finally {
      await undo();
    }
    expect(await readdir(path.join(cwd, 'locked'))).toEqual([]);
  });

  it('a writable empty target under a parent the user cannot write is filled (staging lives inside it)', async () => {
    await mkdir(path.join(cwd, 'locked', 'svc'), { recursive: true });
    const undo = await makeReadOnly(path.join(cwd, 'locked'));
    try {
      const r = await runCli(['locked/svc', ...T], { cwd });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(await readdir(path.join(cwd, 'locked', 'svc'))).toContain('package.json');
    } finally {
      await undo();
    }
  });

  it('a part of the path that is a file is invalid input (exit 2)', async () => {
    await writeFile(path.join(cwd, 'file'), 'x');
    const r = await runCli(['file/svc', ...T], { cwd });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe('error: "file/svc": a part of the path is a file, not a folder; choose another target directory');
  });

  it('in a monorepo, a read-only root package.json is found before the service is written', async () => {
    await writeFile(path.join(cwd, 'package.json'), '{ "name": "root", "private": true, "workspaces": ["apps/*"] }\n');
    const undo = await makeReadOnly(path.join(cwd, 'package.json'));
    try {
      const r = await runCli(['services/orders', ...T], { cwd });
      expect(r.exitCode).toBe(1);
      expect(oneLine(r.stderr)).toContain(`cannot write ${path.join(cwd, 'package.json')}`);
      expect(await readdir(cwd)).toEqual(['package.json']);
    } finally {
      await undo();
    }
    // the retry is not refused by a half-written target
    const retry = await runCli(['services/orders', ...T], { cwd });
    expect(retry.exitCode).toBe(0);
    expect(await readFile(path.join(cwd, 'package.json'), 'utf8')).toBe('{ "name": "root", "private": true, "workspaces": ["apps/*", "services/*"], "allowScripts": { "esbuild": false } }\n');
  });
});

describe('workspaces', () => {
  it('a root package.json with a BOM is still a workspace: no nested .git, registered in place, BOM kept', async () => {
    await writeFile(path.join(cwd, 'package.json'), '\uFEFF{\r\n  "name": "root",\r\n  "private": true,\r\n  "workspaces": ["apps/*"]\r\n}\r\n');
    const r = await runCli(['services/orders', '--template', 'worker', '--no-install'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('git: skipped, the service is part of the workspace');
    expect(await readdir(path.join(cwd, 'services', 'orders'))).not.toContain('.git');
    expect(await readFile(path.join(cwd, 'package.json'), 'utf8')).toBe(
      '\uFEFF{\r\n  "name": "root",\r\n  "private": true,\r\n  "workspaces": ["apps/*", "services/*"],\r\n  "allowScripts": {\r\n    "esbuild": false\r\n  }\r\n}\r\n',
    );
  });

  it('a zero-indent pnpm-workspace.yaml gets a valid new line, and the service the workspace scope', async () => {
    await writeFile(path.join(cwd, 'package.json'), '{ "name": "root", "private": true }\n');
    await writeFile(path.join(cwd, 'pnpm-workspace.yaml'), 'packages:\n- apps/*\n');
    await mkdir(path.join(cwd, 'apps', 'web'), { recursive: true });
    await writeFile(path.join(cwd, 'apps', 'web', 'package.json'), '{ "name": "@acme/web" }\n');
    const r = await runCli(['services/orders', ...T], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readFile(path.join(cwd, 'pnpm-workspace.yaml'), 'utf8')).toBe('packages:\n- apps/*\n- services/*\nallowBuilds:\n  esbuild: false\n');
    const pkg = JSON.parse(await readFile(path.join(cwd, 'services', 'orders', 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('@acme/orders');
  });

  it("a Yarn workspace on Plug'n'Play is refused before anything is written, with the fix; with node_modules it is a workspace like any", async () => {
    await writeFile(path.join(cwd, 'package.json'), '{\n  "name": "root",\n  "private": true,\n  "packageManager": "yarn@4.18.1",\n  "workspaces": ["apps/*"]\n}\n');
    const before = await listFiles(cwd);
    const pnp = await runCli(['apps/orders', ...T], { cwd });
    expect(pnp.exitCode).toBe(2);
    expect(oneLine(pnp.stderr)).toBe(
      `error: the Yarn workspace at ${cwd} installs with Plug'n'Play, under which the service's TypeScript types and typed lint rules do not resolve; add "nodeLinker: node-modules" to ${path.join(cwd, '.yarnrc.yml')}, run yarn install, then run this again (nothing was written)`,
    );
    expect(await listFiles(cwd)).toEqual(before);

    await writeFile(path.join(cwd, '.yarnrc.yml'), 'nodeLinker: node-modules\n');
    const linked = await runCli(['apps/orders', ...T], { cwd });
    expect(linked.exitCode, linked.stderr).toBe(0);
    expect(linked.stdout).toContain('monorepo: yarn workspaces at');
    expect(linked.stdout).toContain('registration: apps/orders is covered by the workspace globs (apps/*)');
  });

  it('a bare name goes to the folder a zero-indent pnpm list uses (the globs were read as empty)', async () => {
    await writeFile(path.join(cwd, 'package.json'), '{ "name": "root", "private": true }\n');
    await writeFile(path.join(cwd, 'pnpm-workspace.yaml'), 'packages:\n- apps/*\n');
    const bare = await runCli(['jobs', ...T], { cwd });
    expect(bare.exitCode, bare.stderr).toBe(0);
    expect(bare.stdout).toContain('location: apps/jobs');
    // covered already: only the build-script decision is added
    expect(await readFile(path.join(cwd, 'pnpm-workspace.yaml'), 'utf8')).toBe('packages:\n- apps/*\nallowBuilds:\n  esbuild: false\n');
  });
});

describe('targets and names', () => {
  it('a dangling symlink as target is invalid input: exit 2, the link untouched', async () => {
    await symlink(path.join(cwd, 'gone'), path.join(cwd, 'svc'));
    const r = await runCli(['svc', ...T], { cwd });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toContain('is a symbolic link to a path that does not exist');
    expect(await readdir(cwd)).toEqual(['svc']);
  });

  it('a 255-byte folder name generates, and the dry run agrees; 256 bytes is refused by both', async () => {
    const fits = 'a'.repeat(255);
    const dry = await runCli([fits, ...T, '--name', 'svc', '--dry-run'], { cwd });
    expect(dry.exitCode).toBe(0);
    const real = await runCli([fits, ...T, '--name', 'svc'], { cwd });
    expect(real.exitCode).toBe(0);
    expect(await listFiles(path.join(cwd, fits))).toContain('package.json');

    for (const extra of [['--dry-run'], []]) {
      const r = await runCli(['b'.repeat(256), ...T, '--name', 'svc', ...extra], { cwd });
      expect(r.exitCode).toBe(2);
      expect(oneLine(r.stderr)).toContain('is 256 bytes long, and file systems take at most 255');
    }
  });

  it.runIf(process.platform === 'linux')('a target deep enough that a file\'s whole path passes 4,095 bytes is refused by the check and the dry run alike (exit 2), nothing written', async () => {
    // every name fits, the path does not: the kernel would say ENAMETOOLONG in the middle of the
    // write. The target itself fits, 20 bytes short of the limit; its deeper files do not.
    const room = 4095 - 20 - (cwd.length + 1);
    const deep = [...Array.from({ length: Math.floor(room / 201) }, () => 'd'.repeat(200)), 'e'.repeat((room % 201) - 1)].join('/');
    expect(Buffer.byteLength(path.join(cwd, deep))).toBeGreaterThan(4060);
    expect(Buffer.byteLength(path.join(cwd, deep))).toBeLessThan(4080);
    for (const extra of [['--dry-run'], []]) {
      const r = await runCli([deep, ...T, '--name', 'svc', ...extra], { cwd });
      expect(r.exitCode).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/^error: cannot create .*: the path is \d+ bytes long, and this system takes at most 4095; choose a location with a shorter path$/);
    }
    // and a target longer than that itself
    const r = await runCli([`${deep}/${'f'.repeat(30)}`, ...T, '--name', 'svc'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^error: ".*": the path is \d+ bytes long, and this system takes at most 4095; choose a location with a shorter path$/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it.each([
    ['a control character (Ctrl-U typed at the prompt)', '\u0015svc'],
    ['a newline', 'svc\nrm -rf'],
    ['an escape sequence', 'svc\u001b[2J'],
    ['a bidi override', 'svc\u202egpj.exe'],
  ])('a directory name with %s is refused (exit 2) and printed escaped', async (_, dir) => {
    const r = await runCli([dir, ...T, '--name', 'svc'], { cwd });
    expect(r.exitCode).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toMatch(/^error: invalid directory .*contains a control character, line break or bidirectional override/);
    expect(line).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it.each([
    ['a control character', '\u0015svc'],
    ['an escape sequence', 'svc\u001b[2J'],
    ['a bidi override', 'svc\u202egpj'],
  ])('a package name (--name) with %s is refused (exit 2), printed escaped, nothing written', async (_, name) => {
    const r = await runCli(['svc', ...T, '--name', name], { cwd });
    expect(r.exitCode).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toMatch(/^error: .*name/);
    expect(line).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('the next step for a folder named -x cannot be read as an option', async () => {
    const r = await runCli([...T, '--name', 'x', '--', '-x'], { cwd });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('  cd ./-x\n');
  });

  it.each([
    [['svc', '--template', 'worker', '--template', 'http-fastify'], '--template is given more than once'],
    [['svc', '-t', 'worker', '--template', 'worker'], '--template is given more than once'],
    [['svc', '--template', 'worker', '--name', 'a', '--name', 'b'], '--name is given more than once'],
    [['add', 'route', 'x', '--dir', 'a', '--dir', 'b'], '--dir is given more than once'],
    [['rules', '--dry-run', '--dry-run'], '--dry-run is given more than once'],
  ])('a repeated flag is an error, never last-wins: %j', async (args, message) => {
    const r = await runCli(args, { cwd });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toContain(message);
    expect(await readdir(cwd)).toEqual([]);
  });
});

describe('Ctrl-C during the install', () => {
  it('keeps the project, says so, and prints the command that resumes', async () => {
    const bin = path.join(cwd, 'fake-bin');
    await mkdir(bin);
    // the terminal sends SIGINT to the whole foreground group: the CLI (here: by the fake npm) and
    // the package manager (here: passed on by the CLI, which this npm waits for)
    await writeFile(path.join(bin, 'npm'), "#!/bin/sh\ntrap 'exit 130' INT\nkill -INT $PPID\ni=0; while [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done\n");
    await chmod(path.join(bin, 'npm'), 0o755);
    const r = await runCli(['svc', '--template', 'worker', '--no-git'], { cwd, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
    expect(r.exitCode).toBe(130);
    expect(oneLine(r.stderr)).toBe('install interrupted (SIGINT). The project is kept in svc; resume with: cd svc && npm install');
    expect(await readdir(path.join(cwd, 'svc'))).toContain('package.json');
  });
});
