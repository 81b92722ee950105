import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_IDS } from '../../generators/registry.js';
import { runCli } from '../helpers/cli.js';
import { removeDir, tempDir } from '../helpers/paths.js';

/**
 * For every template: generate outside the repo, install from the npm registry, then the
 * project's own build, lint, typecheck and tests (its lifecycle tests send real signals), and
 * finally run the built service and stop it with SIGTERM.
 */
const MINUTES = 60_000;

describe.each(TEMPLATE_IDS)('%s, generated and installed', (template) => {
  let root: string;
  let project: string;
  const run = (script: string) => execa('npm', ['run', script], { cwd: project, all: true, reject: false, timeout: 8 * MINUTES });

  beforeAll(async () => {
    root = await tempDir('loopsvc-e2e-');
    project = path.join(root, 'svc');
    const r = await runCli(['svc', '--template', template, '--pm', 'npm', '--no-git'], { cwd: root, timeout: 8 * MINUTES });
    expect(r.exitCode, r.stderr).toBe(0);
  }, 10 * MINUTES);

  afterAll(async () => {
    await removeDir(root);
  });

  it('installed from the registry', async () => {
    expect(await readdir(project)).toEqual(expect.arrayContaining(['node_modules', 'package-lock.json']));
  });

  it.each(['build', 'lint', 'typecheck', 'test'])('npm run %s passes', async (script) => {
    const r = await run(script);
    expect(r.exitCode, r.all).toBe(0);
  }, 10 * MINUTES);

  it('starts, answers, and exits 0 on SIGTERM', async () => {
    const child = execa('node', ['dist/main.js'], {
      cwd: project,
      env: { HOST: '127.0.0.1', PORT: '0', DRAIN_DELAY_MS: '100', SHUTDOWN_TIMEOUT_MS: '5000', LOG_LEVEL: 'info' },
      reject: false,
      timeout: 60_000,
    });
    const address = await listeningAddress(child);
    const live = await fetch(`${address}/live`);
    expect(live.status).toBe(200);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(0);
    expect(String(result.stdout)).toMatch(/shutting down/i);
  }, 2 * MINUTES);
});

/** Fastify logs "Server listening at http://127.0.0.1:PORT" as a JSON line. */
function listeningAddress(child: ResultPromise): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no listening line after 30 s:\n${seen}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', () => reject(new Error(`exited before listening:\n${seen}`)));
  });
}
