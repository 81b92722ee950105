import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../helpers/paths.js';
import { CHECK_LOOP, REPO } from './helpers.js';

// scripts/check-loop.mjs against fake projects: npm (hoisted), pnpm (symlinked store) and yarn
// (nested) node_modules layouts, and Dockerfiles.

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => removeDir(d)));
});

async function project(files: Record<string, string | object>, links: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir('loopsvc-check-');
  dirs.push(dir);
  await Promise.all(
    Object.entries(files).map(async ([file, contents]) => {
      const target = path.join(dir, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, typeof contents === 'string' ? contents : JSON.stringify(contents));
    }),
  );
  for (const [link, target] of Object.entries(links)) {
    await mkdir(path.dirname(path.join(dir, link)), { recursive: true });
    await symlink(path.join(dir, target), path.join(dir, link), 'dir');
  }
  return dir;
}

const pkg = (name: string, dependencies: Record<string, string> = {}, extra: object = {}) => ({ name, version: '1.0.0', dependencies, ...extra });

async function check(dir: string) {
  const result = await execa('node', [CHECK_LOOP, dir], { reject: false });
  return { exitCode: result.exitCode, out: `${result.stdout}\n${result.stderr}` };
}

const GOOD_DOCKERFILE = `FROM node:20-slim\nRUN apt-get install -y tini\nENTRYPOINT ["/usr/bin/tini", "--"]\nCMD ["node", "dist/main.js"]\n`;

describe('check-loop: dependency tree', () => {
  it('npm layout: finds a transitive blocker and prints the path that pulled it in', async () => {
    const dir = await project({
      'package.json': pkg('app', { 'sync-request': '^6', fastify: '^5' }, { devDependencies: { synckit: '^0.9' } }),
      'node_modules/sync-request/package.json': pkg('sync-request', { 'sync-rpc': '^1', 'http-basic': '^8' }),
      'node_modules/sync-rpc/package.json': pkg('sync-rpc', { 'get-port': '^3' }),
      'node_modules/get-port/package.json': pkg('get-port'),
      'node_modules/http-basic/package.json': pkg('http-basic'),
      'node_modules/fastify/package.json': pkg('fastify'),
      'node_modules/synckit/package.json': pkg('synckit'), // dev only: allowed
    });
    const { exitCode, out } = await check(dir);
    expect(exitCode).toBe(1);
    expect(out).toContain('R2.2: production dependency app > sync-request blocks the event loop');
    expect(out).toContain('app > sync-request > sync-rpc');
    expect(out).not.toContain('synckit');
  });

  it('pnpm layout: resolves each dependency from the real folder of the package that needs it', async () => {
    const store = 'node_modules/.pnpm';
    const dir = await project(
      {
        'package.json': pkg('svc', { 'db-layer': '1.0.0' }),
        [`${store}/db-layer@1.0.0/node_modules/db-layer/package.json`]: pkg('db-layer', { 'better-sqlite3': '^11' }),
        [`${store}/better-sqlite3@11.0.0/node_modules/better-sqlite3/package.json`]: pkg('better-sqlite3', { bindings: '^1' }),
        [`${store}/bindings@1.0.0/node_modules/bindings/package.json`]: pkg('bindings'),
      },
      {
        'node_modules/db-layer': `${store}/db-layer@1.0.0/node_modules/db-layer`,
        [`${store}/db-layer@1.0.0/node_modules/better-sqlite3`]: `${store}/better-sqlite3@11.0.0/node_modules/better-sqlite3`,
        [`${store}/better-sqlite3@11.0.0/node_modules/bindings`]: `${store}/bindings@1.0.0/node_modules/bindings`,
      },
    );
    const { exitCode, out } = await check(dir);
    expect(exitCode).toBe(1);
    expect(out).toContain('R2.3: production dependency svc > db-layer > better-sqlite3 blocks the event loop');
  });

  it('yarn/npm nested layout: a dependency installed under its parent is found there', async () => {
    const dir = await project({
      'package.json': pkg('bot', { legacy: '^1', ok: '^1' }),
      'node_modules/legacy/package.json': pkg('legacy', { deasync: '^0.1' }),
      'node_modules/legacy/node_modules/deasync/package.json': pkg('deasync'),
      'node_modules/ok/package.json': pkg('ok', { legacy: '^1' }),
    });
    const { exitCode, out } = await check(dir);
    expect(exitCode).toBe(1);
    expect(out).toContain('R1.1: production dependency bot > legacy > deasync');
    expect(out.match(/deasync/g)).toHaveLength(1); // reported once, by the shortest path
  });

  it('passes a clean tree, ignores cycles and missing optional dependencies', async () => {
    const dir = await project({
      'package.json': pkg('clean', { a: '^1' }, { optionalDependencies: { fsevents: '^2' } }),
      'node_modules/a/package.json': pkg('a', { b: '^1' }),
      'node_modules/b/package.json': pkg('b', { a: '^1' }, { peerDependencies: { react: '*' } }),
    });
    const { exitCode, out } = await check(dir);
    expect(out).toContain('check-loop: ok (2 production packages checked)');
    expect(exitCode).toBe(0);
  });

  it('says what to do when dependencies are not installed', async () => {
    const dir = await project({ 'package.json': pkg('fresh', { 'no-such-package-installed': '^1' }) });
    const { exitCode, out } = await check(dir);
    expect(exitCode).toBe(1);
    expect(out).toContain('fresh > no-such-package-installed is not installed');
    expect(out).toContain('Fix: install first');
  });

  // its rendered Dockerfiles, one per package manager and layout, are checked in test/unit/dockerfile.test.ts
  it('passes the http-fastify template (its installed dependencies)', async () => {
    const { exitCode, out } = await check(path.join(REPO, 'templates/http-fastify'));
    expect(out).toContain('check-loop: ok');
    expect(exitCode).toBe(0);
  });
});

describe('check-loop: Dockerfile', () => {
  const cases: [string, string, string | null][] = [
    ['exec form with tini', GOOD_DOCKERFILE, null],
    ['documented --init', 'FROM node:20\n# run with: docker run --init image\nCMD ["node", "dist/main.js"]\n', null],
    ['shell-form CMD', 'FROM node:20\nENTRYPOINT ["tini", "--"]\nCMD node dist/main.js\n', 'Dockerfile:3: CMD uses shell form'],
    ['npm start', 'FROM node:20\nENTRYPOINT ["tini", "--"]\nCMD ["npm", "start"]\n', 'Dockerfile:3: CMD starts npm'],
    ['yarn in ENTRYPOINT', 'FROM node:20\nENTRYPOINT ["dumb-init", "yarn", "start"]\n', 'ENTRYPOINT starts yarn'],
    ['sh -c', 'FROM node:20\nENTRYPOINT ["tini", "--"]\nCMD ["/bin/sh", "-c", "node dist/main.js"]\n', 'runs a shell (/bin/sh -c)'],
    ['no init', 'FROM node:20\nCMD ["node", "dist/main.js"]\n', 'no init process'],
    ['no CMD', 'FROM node:20\n', 'the final stage has no CMD'],
    ['only the final stage counts', 'FROM node:20 AS build\nCMD npm run build\nFROM node:20-slim\nENTRYPOINT ["tini", "--"]\nCMD ["node", "dist/main.js"]\n', null],
    ['STOPSIGNAL', `${GOOD_DOCKERFILE}STOPSIGNAL SIGINT\n`, 'STOPSIGNAL SIGINT'],
    ['continuation lines', 'FROM node:20\nENTRYPOINT ["tini", \\\n  "--"]\nCMD ["pnpm", \\\n  "start"]\n', 'Dockerfile:4: CMD starts pnpm'],
  ];
  for (const [title, dockerfile, expected] of cases) {
    it(title, async () => {
      const dir = await project({ 'package.json': pkg('svc'), Dockerfile: dockerfile });
      const { exitCode, out } = await check(dir);
      if (expected === null) {
        expect(out).toContain('check-loop: ok');
        expect(exitCode).toBe(0);
      } else {
        expect(out).toContain(expected);
        expect(out).toMatch(/R4\.8: .*Fix: /);
        expect(exitCode).toBe(1);
      }
    });
  }

  it('accepts init: true in a compose file as the documented init', async () => {
    const dir = await project({
      'package.json': pkg('svc'),
      Dockerfile: 'FROM node:20\nCMD ["node", "dist/main.js"]\n',
      'compose.yaml': 'services:\n  app:\n    build: .\n    init: true\n',
    });
    expect((await check(dir)).exitCode).toBe(0);
  });
});
