import { execFile } from 'node:child_process';
import { access, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { schemaModuleSource } from '../src/build/emit-schemas.js';
import { loadConfig } from '../src/config.js';
import { PROJECT_ROOT } from './helpers/process.js';

// `npm run build` rewrites the TypeBox schema modules as plain JSON (src/build/emit-schemas.ts).
// Here on a copy of the tsc output (test/global-setup.ts builds it without that step): the
// rewritten service must not load TypeBox and must document (and so validate) the same API.
// The same fresh process shows that @fastify/swagger loads with the first GET /openapi.json only.

const ENV = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', CPU_POOL_THREADS: '1' };

/** Run in a fresh node: builds the copied app, records whether TypeBox was resolved, prints /openapi.json. */
const PROBE = `
import { registerHooks } from 'node:module';
let typebox = false;
let swagger = false;
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    if (resolved.url.includes('/node_modules/typebox/')) typebox = true;
    if (resolved.url.includes('/node_modules/@fastify/swagger/')) swagger = true;
    return resolved;
  },
});
const [appUrl, configUrl, env] = process.argv.slice(1);
const { buildApp } = await import(appUrl);
const { loadConfig } = await import(configUrl);
const app = await buildApp(loadConfig(JSON.parse(env)));
await app.ready();
const swaggerAtReady = swagger;
const res = await app.inject('/openapi.json');
await app.close();
process.stdout.write(JSON.stringify({ typebox, swaggerAtReady, swagger, status: res.statusCode, document: res.json() }));
`;

const run = promisify(execFile);
let copy: string;

beforeAll(async () => {
  // Inside the project's dist/ (ignored by git and ESLint), so the copy resolves its packages
  // exactly as the service does: from the project's node_modules, or a workspace root's above it.
  const dist = path.join(PROJECT_ROOT, 'dist');
  copy = await mkdtemp(path.join(dist, '.schemas-build-'));
  for (const entry of await readdir(dist)) {
    if (!entry.startsWith('.schemas-build-')) await cp(path.join(dist, entry), path.join(copy, 'dist', entry), { recursive: true });
  }
  await run(process.execPath, ['dist/build/run.js'], { cwd: copy, timeout: 60_000 }); // as in package.json
});

afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

describe('the schema modules after `npm run build`', () => {
  it('are every schemas.js and *.schemas.js module, rewritten as plain data, and nothing else', async () => {
    const dist = path.join(copy, 'dist');
    const files = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith('.js'));
    const schemaModules = files.filter((f) => /(^|[\\/])([^\\/]+\.)?schemas\.js$/.test(f)); // as src/build/emit-schemas.ts picks them
    expect(schemaModules.map((f) => f.replaceAll('\\', '/'))).toEqual(expect.arrayContaining(['schemas.js', 'routes/hash.schemas.js']));
    for (const file of files) {
      const text = await readFile(path.join(dist, file), 'utf8');
      const rewritten = text.startsWith('// Written by `npm run build`');
      expect(rewritten, file).toBe(schemaModules.includes(file));
      if (rewritten) {
        expect(text, file).not.toMatch(/\bimport\b/);
        await expect(access(path.join(dist, `${file}.map`)), `${file}.map is gone`).rejects.toThrow();
      }
    }
  });

  it('serve the same /openapi.json as the TypeBox source, without loading TypeBox', async () => {
    const app = await buildApp(loadConfig(ENV));
    const source = (await app.inject('/openapi.json')).json<unknown>();
    await app.close();

    const url = (file: string): string => pathToFileURL(path.join(copy, 'dist', file)).href;
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', PROBE, url('app.js'), url('config.js'), JSON.stringify(ENV)],
      { cwd: copy, timeout: 60_000 },
    );
    const built = JSON.parse(stdout) as { typebox: boolean; swaggerAtReady: boolean; swagger: boolean; status: number; document: unknown };
    expect(built.status).toBe(200);
    expect(built.typebox).toBe(false);
    expect({ atReady: built.swaggerAtReady, afterFirstRequest: built.swagger }).toEqual({ atReady: false, afterFirstRequest: true });
    expect(built.document).toEqual(source);
  });

  it('refuse a module that exports something other than JSON values, naming the export', () => {
    expect(schemaModuleSource({ ok: { type: 'string' } }, 'src/a.schemas.ts')).toContain('export const ok = {"type":"string"};');
    expect(() => schemaModuleSource({ ok: { type: 'string' }, parse: () => 1 }, 'src/a.schemas.ts')).toThrow(/src\/a\.schemas\.ts: export parse /);
  });
});
