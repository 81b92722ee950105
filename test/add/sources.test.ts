import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeDir, REPO_ROOT, tempDir } from '../helpers/paths.js';
import { generate } from './helpers.js';

/**
 * `create-loopsvc add job` on a worker of every queue source, not only the in-memory one that
 * e2e.test.ts installs: the job is written and registered, and the service then typechecks, lints
 * and passes the new job's test, offline against the root node_modules (whose devDependencies
 * hold every template dependency). The job test needs no queue server.
 */
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');
const SOURCES = ['postgres', 'redis'] as const;

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => removeDir(root)));
});

describe.each(SOURCES)('add job in a worker --source %s', (source) => {
  let service: string;
  beforeAll(async () => {
    const root = await tempDir('loopsvc-add-source-');
    roots.push(root);
    service = await generate(['--template', 'worker', '--source', source], root);
    await symlink(NODE_MODULES, path.join(service, 'node_modules'), 'dir');
    const r = await runCli(['add', 'job', 'invoice.send'], { cwd: service });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('added job ');
  }, 60_000);

  it('typechecks and lints with the new job', async () => {
    const tsc = await execa(process.execPath, [path.join(NODE_MODULES, 'typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], { cwd: service, reject: false, all: true, timeout: 150_000 });
    expect(tsc.exitCode, tsc.all).toBe(0);
    const lint = await execa(process.execPath, [path.join(NODE_MODULES, 'eslint/bin/eslint.js'), '.'], { cwd: service, reject: false, all: true, timeout: 210_000 });
    expect(lint.exitCode, lint.all).toBe(0);
  }, 400_000);

  it("passes the new job's own test", async () => {
    const r = await execa(process.execPath, [path.join(NODE_MODULES, 'vitest/vitest.mjs'), 'run', 'test/jobs/invoice-send.test.ts'], { cwd: service, reject: false, all: true, timeout: 150_000, env: { CI: 'true', NO_COLOR: '1' } });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/Tests\s+\d+ passed/);
  }, 180_000);
});
