import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import rootPackage from '../../package.json' with { type: 'json' };
import { TEMPLATE_IDS } from '../../generators/shared/registry.js';
import { runCli } from '../helpers/cli.js';
import { CLI, listFiles, REPO_ROOT, removeDir, tempDir, treeSnapshot } from '../helpers/paths.js';

const TEMPLATE: string = TEMPLATE_IDS[0] ?? 'http-fastify';

let cwd: string;
beforeEach(async () => {
  cwd = await tempDir();
});
afterEach(async () => {
  await removeDir(cwd);
});

describe('information', () => {
  it('--help documents usage, every template, every flag and the exit codes', async () => {
    const r = await runCli(['--help'], { cwd });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: create-loopsvc [dir] [options]');
    for (const id of TEMPLATE_IDS) expect(r.stdout).toContain(id);
    for (const flag of ['--template', '--name', '--pm', '--no-install', '--no-git', '--dry-run', '--yes', '--version']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/130\s+cancelled/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version'], { cwd });
    expect(r).toMatchObject({ exitCode: 0, stdout: rootPackage.version });
  });
});

describe('invalid input exits 2 with one line and writes nothing', () => {
  it.each([
    [['svc', '--template', 'express'], `unknown template "express" for --template; valid ids: ${TEMPLATE_IDS.join(', ')}`],
    [['svc', '--template', TEMPLATE, '--frobnicate'], 'unknown option --frobnicate'],
    [['svc'], 'pass --template'],
    [['--template', TEMPLATE], 'pass it as the first argument'],
    [['svc', '--template', TEMPLATE, '--name', 'Bad Name'], 'invalid package name "Bad Name"'],
    [['svc', '--template', TEMPLATE, '--name', '{{x}}&<y>'], 'pass --name'],
    [['Сервис', '--template', TEMPLATE], 'cannot derive a package name'],
    [['svc', '--template', TEMPLATE, '--pm', 'npx'], 'use one of: npm, pnpm, yarn, bun'],
    [['svc', '--template', 'http-fastify', '--source', 'postgres'], '--source is an option of worker, not of http-fastify'],
    [['svc', '--template', 'worker', '--source', 'kafka'], 'invalid value "kafka" for --source; use one of: memory, postgres'],
    [['svc', '--template', 'telegram-grammy', '--mode', 'webhook', '--runner'], '--runner applies only with --mode polling'],
    [['svc', '--template', 'telegram-grammy', '--runner', '--no-runner'], '--runner and --no-runner contradict each other'],
  ])('%j', async (args, message) => {
    const r = await runCli([...args, '--no-install', '--no-git'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('a non-empty target is left exactly as it was, byte for byte', async () => {
    const target = path.join(cwd, 'svc');
    await mkdir(path.join(target, 'src'), { recursive: true });
    await writeFile(path.join(target, 'package.json'), '{"name":"mine"}');
    await writeFile(path.join(target, 'src', 'main.ts'), 'export {};\n');
    const before = await treeSnapshot(cwd);
    const mtime = (await stat(path.join(target, 'package.json'))).mtimeMs;

    const r = await runCli(['svc', '--template', TEMPLATE, '--no-install', '--no-git'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('"svc" is not empty (2 entries)');
    expect(await treeSnapshot(cwd)).toEqual(before);
    expect((await stat(path.join(target, 'package.json'))).mtimeMs).toBe(mtime);
  });

  it('a target that is a file is refused', async () => {
    await writeFile(path.join(cwd, 'svc'), 'x');
    const r = await runCli(['svc', '--template', TEMPLATE, '--no-install'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('exists and is not a directory');
    expect(await readFile(path.join(cwd, 'svc'), 'utf8')).toBe('x');
  });
});

describe('generating', () => {
  it('--dry-run prints exactly the files a real run writes, and writes nothing', async () => {
    const dry = await runCli(['svc', '--template', TEMPLATE, '--dry-run'], { cwd });
    expect(dry.exitCode).toBe(0);
    expect(await readdir(cwd)).toEqual([]);
    const listed = dry.stdout.split('\n').filter((l) => l.startsWith('svc/')).map((l) => l.slice('svc/'.length).split('  ← ')[0] ?? '').sort();
    expect(dry.stdout).toContain(`dry run: ${listed.length} files would be written to svc`);

    const real = await runCli(['svc', '--template', TEMPLATE, '--no-install', '--no-git'], { cwd });
    expect(real.exitCode).toBe(0);
    expect(await listFiles(path.join(cwd, 'svc'))).toEqual(listed);
    expect(await readdir(cwd)).toEqual(['svc']);
  });

  it('--dry-run names where each file comes from, and each named source is what a real run writes', async () => {
    const dry = await runCli(['svc', '--template', 'telegram-grammy', '--mode', 'webhook', '--dry-run'], { cwd });
    expect(dry.exitCode).toBe(0);
    const origins = new Map(
      dry.stdout
        .split('\n')
        .filter((l) => l.startsWith('svc/'))
        .map((l) => {
          const [file = '', origin = ''] = l.slice('svc/'.length).split('  ← ');
          return [file, origin] as const;
        }),
    );
    // one of each kind of source
    expect(origins.get('Dockerfile')).toBe('templates/_shared/base/Dockerfile.hbs (layer base), rendered');
    expect(origins.get('src/bot.ts')).toBe('templates/telegram-grammy/src/bot.ts (template telegram-grammy), verbatim');
    expect(origins.get('src/routes/health.ts')).toBe('templates/_shared/http/src/routes/health.ts (layer http), verbatim');
    expect(origins.get('src/routes/webhook.ts')).toBe('templates/telegram-grammy/_options/mode/webhook/src/routes/webhook.ts (option mode=webhook), verbatim');
    // one README and one .env.example per template, with a section per option value
    expect(origins.get('README.md')).toBe('templates/telegram-grammy/README.md.hbs (template telegram-grammy), rendered');
    expect(origins.get('.env.example')).toBe('templates/telegram-grammy/_env.example.hbs (template telegram-grammy), rendered');
    expect(origins.get('package.json')).toMatch(/^templates\/telegram-grammy\/package\.json \(template telegram-grammy\) \+ templates\/telegram-grammy\/_options\/mode\/webhook\/package\.json \(option mode=webhook\), merged/);
    expect(origins.get('.loopsvc.json')).toBe('written by create-loopsvc');

    const real = await runCli(['svc', '--template', 'telegram-grammy', '--mode', 'webhook', '--no-install', '--no-git'], { cwd });
    expect(real.exitCode).toBe(0);
    expect(await listFiles(path.join(cwd, 'svc'))).toEqual([...origins.keys()].sort());
    // a file named as copied verbatim is byte for byte its source
    const verbatim = [...origins].filter(([, origin]) => origin.endsWith(', verbatim'));
    expect(verbatim.length).toBeGreaterThan(20);
    for (const [file, origin] of verbatim) {
      const source = path.join(REPO_ROOT, origin.slice(0, origin.indexOf(' (')));
      expect(await readFile(path.join(cwd, 'svc', file)), file).toEqual(await readFile(source));
    }
  });

  it('a reader that closes early (| head -1) does not crash the run', async () => {
    const r = await execa('sh', ['-c', `node ${CLI} svc --template ${TEMPLATE} --no-install --no-git | head -1`], { cwd, reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.stderr).not.toContain('EPIPE');
    expect(await readdir(path.join(cwd, 'svc'))).toContain('package.json');
  });

  it('--yes takes every default without a terminal', async () => {
    const r = await runCli(['--yes', '--no-install', '--no-git'], { cwd });
    expect(r.exitCode).toBe(0);
    const pkg = JSON.parse(await readFile(path.join(cwd, 'loopsvc-service', 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('loopsvc-service');
  });

  it('an existing empty target, even the cwd, is filled in place', async () => {
    const r = await runCli(['.', '--template', TEMPLATE, '--name', 'here', '--no-install', '--no-git'], { cwd });
    expect(r.exitCode).toBe(0);
    expect(await readdir(cwd)).toContain('package.json');
    expect(r.stdout).toContain('cd .');
  });

  it('a hostile directory name is quoted in the next steps and the package name is derived safely', async () => {
    const dir = `my "svc" & $(x) it's`;
    const r = await runCli([dir, '--template', TEMPLATE, '--no-install', '--no-git'], { cwd, env: { npm_config_user_agent: 'pnpm/9.12.0 npm/? node/v20.19.0' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`cd 'my "svc" & $(x) it'\\''s'`);
    expect(r.stdout).toContain('pnpm install');
    expect(r.stdout).toContain('pnpm run dev');
    const pkg = JSON.parse(await readFile(path.join(cwd, dir, 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('my-svc-x-it-s');
  });

  it('a failed install keeps the project, prints the retry command and exits 1', async () => {
    const bin = path.join(cwd, 'fake-bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'npm'), '#!/bin/sh\necho "npm ERR! simulated registry outage" >&2\nexit 1\n');
    await chmod(path.join(bin, 'npm'), 0o755);
    const r = await runCli(['svc', '--template', TEMPLATE, '--no-git'], { cwd, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('simulated registry outage');
    expect(r.stderr).toContain('install failed: Command failed with exit code 1: npm install. The project is kept; retry with: cd svc && npm install');
    expect(await readdir(path.join(cwd, 'svc'))).toContain('package.json');
  });

  it('a package manager that is not installed is a failed install with the fix', async () => {
    const r = await runCli(['svc', '--template', TEMPLATE, '--pm', 'bun', '--no-git'], { cwd, env: { PATH: path.dirname(process.execPath) } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('install failed: bun is not installed or not on PATH');
    expect(r.stderr).toContain('retry with: cd svc && bun install');
  });
});

describe('git', () => {
  const gitEnv = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };

  it('initialises a repository with a first commit', async () => {
    const r = await runCli(['svc', '--template', TEMPLATE, '--no-install'], { cwd, env: gitEnv });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('git: initialised with a first commit');
    const log = await execa('git', ['log', '--oneline'], { cwd: path.join(cwd, 'svc') });
    expect(log.stdout).toContain('Initial commit from create-loopsvc');
    const status = await execa('git', ['status', '--porcelain'], { cwd: path.join(cwd, 'svc') });
    expect(status.stdout).toBe('');
  });

  it('is skipped, with the reason, inside an existing work tree', async () => {
    await execa('git', ['init', '--quiet'], { cwd });
    const r = await runCli(['apps/svc', '--template', TEMPLATE, '--no-install'], { cwd, env: gitEnv });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('git: skipped, the target is already inside a git work tree');
    expect(await readdir(path.join(cwd, 'apps', 'svc'))).not.toContain('.git');
  });

  it('is skipped with --no-git', async () => {
    const r = await runCli(['svc', '--template', TEMPLATE, '--no-install', '--no-git'], { cwd });
    expect(r.stdout).toContain('git: skipped, --no-git');
    expect(await readdir(path.join(cwd, 'svc'))).not.toContain('.git');
  });
});

describe('interactive (through a pseudo-terminal)', () => {
  /**
   * util-linux `script` gives the CLI a real TTY; what we write to its stdin is typed keys.
   * Each key is sent once the screen shows its prompt.
   */
  async function typeInto(args: string, keys: Array<{ after: RegExp; send: string }>) {
    const child = execa('script', ['-qfec', `node ${CLI} ${args}`, '/dev/null'], { cwd, env: { NO_COLOR: '1', TERM: 'dumb' }, reject: false, timeout: 30_000 });
    let screen = '';
    let step = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      const next = keys[step];
      if (next && next.after.test(screen)) {
        step += 1;
        screen = '';
        child.stdin?.write(next.send);
      }
    });
    const result = await child;
    return { exitCode: result.exitCode, stdout: String(result.stdout) };
  }

  it('Ctrl-C at the first prompt prints "cancelled", exits 130 and leaves nothing', async () => {
    const r = await typeInto('', [{ after: /Template/, send: '\x03' }]);
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toContain('cancelled');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('Ctrl-C at a later prompt leaves nothing either', async () => {
    const r = await typeInto('--template http-fastify', [
      { after: /Telemetry/, send: '\r' }, // the default, none
      { after: /Target directory/, send: 'svc\r' },
      { after: /Package name/, send: '\x03' },
    ]);
    expect(r.exitCode).toBe(130);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('a control character typed into the directory prompt (Ctrl-U) is refused there, never made a folder', async () => {
    const r = await typeInto('--template http-fastify', [
      { after: /Telemetry/, send: '\r' },
      { after: /Target directory/, send: '\x15svc\r' },
      { after: /control character, line break or bidirectional override/, send: '\x03' },
    ]);
    expect(r.exitCode).toBe(130);
    expect(await readdir(cwd)).toEqual([]);
  });

  it("asks for the chosen template's options, then generates that variant", async () => {
    const r = await typeInto('svc --template worker --no-git --no-install', [
      { after: /Where jobs come from/, send: '\x1b[B\r' }, // arrow down to PostgreSQL, enter
      { after: /Telemetry/, send: '\x1b[B\r' }, // arrow down to OpenTelemetry, enter
      { after: /Package name/, send: '\r' },
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('worker --source postgres --telemetry otel');
    expect(await readdir(path.join(cwd, 'svc', 'src'))).toEqual(expect.arrayContaining(['migrate.ts', 'telemetry.ts']));
  });

  it('asks only for what the flags did not give, then generates', async () => {
    const r = await typeInto(`svc --template ${TEMPLATE} --no-git`, [
      { after: /Telemetry/, send: '\r' },
      { after: /Package name/, send: '\r' },
      { after: /Install dependencies now/, send: 'n' },
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain('Template');
    expect(await readdir(path.join(cwd, 'svc'))).toContain('package.json');
  });
});
