import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_KINDS, type AddKind } from '../../generators/add/kinds.js';
import { runCli } from '../helpers/cli.js';
import { removeDir, tempDir } from '../helpers/paths.js';
import { generate, SERVICES } from './helpers.js';

/**
 * After `create-loopsvc add`, the service still typechecks, lints and passes its own tests, the
 * new ones included. One service per template, generated outside the repo and installed from the
 * npm registry (the three installs run at once, about a minute), then grown by two entries with
 * the built CLI.
 */
const MINUTES = 60_000;

const ENTRIES: Record<AddKind, [string, string]> = {
  route: ['orders', 'admin/stats'],
  command: ['ping', 'send_report'],
  job: ['invoice.send', 'cleanup'],
};

const roots: string[] = [];
const services = {} as Record<AddKind, string>;

beforeAll(async () => {
  await Promise.all(
    ADD_KINDS.map(async (kind) => {
      const root = await tempDir('loopsvc-add-e2e-');
      roots.push(root);
      const service = await generate(SERVICES[kind], root);
      const install = await execa('npm', ['install', '--no-audit', '--no-fund'], { cwd: service, all: true, reject: false, timeout: 8 * MINUTES });
      expect(install.exitCode, install.all).toBe(0);
      services[kind] = service;
    }),
  );
}, 10 * MINUTES);

afterAll(async () => {
  await Promise.all(roots.map((root) => removeDir(root)));
});

describe.each(ADD_KINDS)('add %s, in an installed service', (kind) => {

  it(`create-loopsvc add ${kind} ${ENTRIES[kind].join(', then ')}; a repeat changes nothing`, async () => {
    const service = services[kind];
    for (const name of ENTRIES[kind]) {
      const r = await runCli(['add', kind, name], { cwd: service });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`added ${kind} `);
    }
    const again = await runCli(['add', kind, ENTRIES[kind][0]], { cwd: service });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^nothing to do: /);
    expect(await readdir(path.join(service, 'test', { route: 'routes', command: 'handlers', job: 'jobs' }[kind]))).toHaveLength(2);
  });

  it.runIf(kind === 'route')('the routes added are in /openapi.json of the built app, each with its response schemas', async () => {
    const script = [
      "import { buildApp } from './src/app.ts';",
      "import { loadConfig } from './src/config.ts';",
      "const app = await buildApp(loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', CPU_POOL_THREADS: '1' }));",
      "const doc = (await app.inject('/openapi.json')).json();",
      'await app.close();',
      'const paths = {};',
      "for (const [p, ops] of Object.entries(doc.paths)) paths[p] = Object.keys(ops.get?.responses ?? {}).filter((s) => ops.get.responses[s].content?.['application/json']?.schema);",
      'console.log(JSON.stringify(paths));',
    ].join('\n');
    const r = await execa('npx', ['tsx', '--input-type=module', '--eval', script], { cwd: services[kind], all: true, reject: false, timeout: 2 * MINUTES });
    expect(r.exitCode, r.all).toBe(0);
    const paths = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, string[]>;
    for (const name of ENTRIES.route) expect(paths[`/${name}`], name).toEqual(['200', '400', '503']);
  }, 3 * MINUTES);

  it.each(['typecheck', 'lint', 'test'])('npm run %s passes', async (script) => {
    const r = await execa('npm', ['run', script], { cwd: services[kind], all: true, reject: false, timeout: 8 * MINUTES, env: { NO_COLOR: '1' } });
    expect(r.exitCode, r.all).toBe(0);
    if (script === 'lint') expect(r.all, 'no lint warnings either').not.toMatch(/\bwarning\b/);
  }, 10 * MINUTES);
});
