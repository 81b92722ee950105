import { execFile } from 'node:child_process';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { access, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { compileSchemas, writingCompilers } from '../src/build/compile-schemas.js';
import { schemaModuleSource } from '../src/build/emit-schemas.js';
import { loadConfig } from '../src/config.js';
import { Item } from '../src/routes/items.schemas.js';
import { NotReady } from '../src/schemas.js';
import { precompiledCompilers, type CompiledSchemas, type CompilersFactory } from '../src/schema-compilers.js';
import { PROJECT_ROOT } from './helpers/process.js';

// `npm run build` rewrites the TypeBox schema modules as plain JSON (src/build/emit-schemas.ts).
// Here on a copy of dist/ (test/global-setup.ts builds it as `npm run build` does), built once
// more by the same step, which must leave it as it was: the rewritten service must not load
// TypeBox and must document (and so validate) the same API.
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

/**
 * Run in a fresh node, as the built service starts: records which modules that compile schemas
 * (ajv's compiler, fast-json-stringify's) are resolved until the first answer, then answers
 * REQUESTS and prints them. Resolve hooks only: they work on Node 22.22, 24 and 26 alike.
 */
const ANSWERS_PROBE = `
import { registerHooks } from 'node:module';
const compilers = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    if (/\\/node_modules\\/(ajv\\/dist\\/compile\\/|fast-json-stringify\\/index\\.js)/.test(resolved.url)) {
      compilers.add(resolved.url.replace(/^.*\\/node_modules\\//, ''));
    }
    return resolved;
  },
});
const [appUrl, configUrl, env, requests, headerRoute] = process.argv.slice(1);
const { buildApp } = await import(appUrl);
const { loadConfig } = await import(configUrl);
const app = await buildApp(loadConfig(JSON.parse(env)));
if (headerRoute) app.get('/header-check', JSON.parse(headerRoute), async () => ({ ok: true }));
await app.ready();
const first = await app.inject('/ready');
const compiledBeforeFirstAnswer = [...compilers];
const answers = [];
for (const request of JSON.parse(requests)) {
  const res = await app.inject(request);
  answers.push({ status: res.statusCode, body: res.body });
}
await app.close();
process.stdout.write(JSON.stringify({ first: first.statusCode, compiledBeforeFirstAnswer, compiledAfter: [...compilers], answers }));
`;

/** What both the source and the built service answer; no request reaches the CPU pool or an upstream. */
const REQUESTS: InjectOptions[] = [
  { method: 'POST', url: '/hash', payload: {} },
  { method: 'POST', url: '/hash', payload: { password: '' } },
  { method: 'POST', url: '/hash', headers: { 'content-type': 'application/json' }, payload: '[1]' },
  { method: 'GET', url: '/items/abc' },
  { method: 'GET', url: '/items/not%20an%20id' },
  { method: 'GET', url: '/fanout' },
  { method: 'GET', url: '/fanout?ids=a,,b' },
  { method: 'GET', url: '/ready' },
  { method: 'GET', url: '/live' },
];

/** A route with a header schema in canonical case: Fastify matches it to the lowercase headers. */
const HEADER_ROUTE = {
  schema: {
    headers: { type: 'object', properties: { 'X-Token': { type: 'string', minLength: 3 } }, required: ['X-Token'] },
  },
};
const HEADER_REQUESTS: InjectOptions[] = [
  { method: 'GET', url: '/header-check' },
  { method: 'GET', url: '/header-check', headers: { 'X-Token': 'ab' } },
  { method: 'GET', url: '/header-check', headers: { 'x-token': 'abcd' } },
  { method: 'GET', url: '/header-check', headers: { 'X-TOKEN': 'abcd' } },
];

interface Answers {
  first: number;
  compiledBeforeFirstAnswer: string[];
  compiledAfter: string[];
  answers: { status: number; body: string }[];
}

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

  it('come out the same from a second build over the first (the copy), the compiled functions too', async () => {
    const dist = path.join(copy, 'dist');
    const once = path.join(PROJECT_ROOT, 'dist'); // built once, by test/global-setup.ts
    const files = [...(await readdir(dist, { recursive: true })).filter((f) => /(^|[\\/])([^\\/]+\.)?schemas\.js$/.test(f)), 'compiled-schemas.cjs'];
    for (const file of files) expect(await readFile(path.join(dist, file), 'utf8'), file).toBe(await readFile(path.join(once, file), 'utf8'));
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

/** The answers of the source (tsx/vitest: Fastify's own compilers) to `requests`. */
async function sourceAnswers(requests: InjectOptions[], headerRoute?: typeof HEADER_ROUTE): Promise<Answers['answers']> {
  const app: FastifyInstance = await buildApp(loadConfig(ENV));
  if (headerRoute) app.get('/header-check', headerRoute, () => ({ ok: true }));
  const answers: Answers['answers'] = [];
  try {
    for (const request of requests) {
      const res = await app.inject(request);
      answers.push({ status: res.statusCode, body: res.body });
    }
  } finally {
    await app.close();
  }
  return answers;
}

/** The answers of the built copy, in a fresh node (ANSWERS_PROBE). */
async function builtAnswers(requests: InjectOptions[], headerRoute?: typeof HEADER_ROUTE): Promise<Answers> {
  const url = (file: string): string => pathToFileURL(path.join(copy, 'dist', file)).href;
  const args = [url('app.js'), url('config.js'), JSON.stringify(ENV), JSON.stringify(requests), ...(headerRoute ? [JSON.stringify(headerRoute)] : [])];
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', ANSWERS_PROBE, ...args], { cwd: copy, timeout: 60_000 });
  return JSON.parse(stdout) as Answers;
}

describe('the validators and serializers `npm run build` compiles (dist/compiled-schemas.cjs)', () => {
  it('start the built service without compiling a schema, and answer as the source does', async () => {
    const built = await builtAnswers(REQUESTS);
    expect(built.first).toBe(200);
    expect(built.compiledBeforeFirstAnswer).toEqual([]); // neither ajv's compiler nor fast-json-stringify's
    expect(built.compiledAfter).toEqual([]);
    expect(built.answers).toEqual(await sourceAnswers(REQUESTS));
    expect(built.answers.filter((a) => a.status === 400)).toHaveLength(6); // the bad requests were refused
  });

  it('serialize as Fastify\'s own compiler does: extra fields are left out, a union picks its branch', () => {
    const compiled = createRequire(import.meta.url)(path.join(copy, 'dist', 'compiled-schemas.cjs')) as {
      serializers: Map<string, () => (value: unknown) => string>;
    };
    const saved = (url: string, status: string): ((value: unknown) => string) => {
      const key = [...compiled.serializers.keys()].find((k) => {
        const [method, route, part] = JSON.parse(k) as string[];
        return method === 'GET' && route === url && part === `response ${status}`;
      });
      if (!key) throw new Error(`no serializer saved for GET ${url} ${status}`);
      return compiled.serializers.get(key)!();
    };
    const fastify = (schema: unknown, url: string, httpStatus: string): ((value: unknown) => string) =>
      SerializerSelector()({}, {})({ schema, method: 'GET', url, httpStatus });

    const item = { id: 'abc', secret: 'not in the schema' };
    expect(saved('/items/:id', '200')(item)).toBe('{"id":"abc"}');
    expect(saved('/items/:id', '200')(item)).toBe(fastify(Item, '/items/:id', '200')(item));
    for (const value of [{ status: 'draining', extra: 1 }, { statusCode: 503, error: 'Service Unavailable', message: 'x', extra: 1 }]) {
      expect(saved('/ready', '503')(value)).toBe(fastify(NotReady, '/ready', '503')(value));
    }
  });

  it('validate a header schema written in canonical case as Fastify\'s default compiler does', async () => {
    const built = await builtAnswers(HEADER_REQUESTS, HEADER_ROUTE);
    const source = await sourceAnswers(HEADER_REQUESTS, HEADER_ROUTE);
    expect(built.answers).toEqual(source);
    expect(source.map((a) => a.status)).toEqual([400, 400, 200, 200]);
    expect(source[0]!.body).toContain("headers must have required property 'x-token'");
    // This route was not there at build time: it is compiled at startup, by Fastify's ajv compiler.
    expect(built.compiledBeforeFirstAnswer.some((u) => u.startsWith('ajv/dist/compile/'))).toBe(true);
  });

  it('compile a schema changed after the build, never serving the saved function', async () => {
    const file = path.join(copy, 'dist', 'routes', 'items.schemas.js');
    const original = await readFile(file, 'utf8');
    const changed = original.replaceAll('^[A-Za-z0-9_-]{1,64}$', '^[a-z]{1,3}$');
    expect(changed).not.toBe(original);
    await writeFile(file, changed);
    try {
      const built = await builtAnswers([{ method: 'GET', url: '/items/abcd' }, { method: 'GET', url: '/items/abc' }]);
      expect(built.answers.map((a) => a.status)).toEqual([400, 200]);
      expect(built.answers[0]!.body).toContain('params/id must match pattern \\"^[a-z]{1,3}$\\"');
      expect(built.compiledBeforeFirstAnswer.some((u) => u.startsWith('ajv/dist/compile/'))).toBe(true);
    } finally {
      await writeFile(file, original);
    }
  });
});

describe('precompiling with a build config the app refuses (a variable made required)', () => {
  it('skips with one line naming the variable, removes older functions, and the service still answers', async () => {
    const dist = path.join(await mkdtemp(path.join(PROJECT_ROOT, 'dist', '.schemas-build-')), 'dist');
    try {
      await cp(path.join(copy, 'dist'), dist, { recursive: true });
      const lines: string[] = [];
      const written = await compileSchemas(dist, { ...ENV, DRAIN_DELAY_MS: 'soon' }, (line) => lines.push(line));
      expect(written).toBeUndefined();
      expect(lines).toEqual([expect.stringMatching(/^route schemas not precompiled \(the service compiles them at startup\): .*DRAIN_DELAY_MS/)]);
      await expect(access(path.join(dist, 'compiled-schemas.cjs'))).rejects.toThrow();

      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', ANSWERS_PROBE, pathToFileURL(path.join(dist, 'app.js')).href, pathToFileURL(path.join(dist, 'config.js')).href, JSON.stringify(ENV), '[]'],
        { cwd: path.dirname(dist), timeout: 60_000 },
      );
      const built = JSON.parse(stdout) as { first: number; compiledBeforeFirstAnswer: string[] };
      expect(built.first).toBe(200);
      expect(built.compiledBeforeFirstAnswer.length).toBeGreaterThan(0); // compiled at startup, as without a build step
    } finally {
      await rm(path.dirname(dist), { recursive: true, force: true });
    }
  });
});

describe('a restored validator', () => {
  it('coerces a primitive body in place, as Fastify\'s own compiler does', async () => {
    // A route no template has (a body that is a bare integer), built and restored as the build
    // and the service do: the restored function must be used, and the handler must get 5, not "5".
    const app = (compilers?: CompilersFactory) => {
      const server = Fastify({ ajv: { customOptions: { validateSchema: false } }, ...(compilers ? { schemaController: { compilersFactory: compilers } } : {}) });
      server.post('/count', { schema: { body: { type: 'integer' } } }, (request) => ({ type: typeof request.body, body: request.body }));
      return server;
    };
    const answer = async (server: FastifyInstance) => {
      const res = await server.inject({ method: 'POST', url: '/count', headers: { 'content-type': 'application/json' }, payload: '"5"' });
      await server.close();
      return { status: res.statusCode, body: res.json<unknown>() };
    };

    const writing = writingCompilers();
    const built = app(writing.compilers);
    await built.ready(); // the build step's pass: every route's validator compiled, and written
    await built.close();
    const dir = await mkdtemp(path.join(PROJECT_ROOT, 'dist', '.schemas-build-'));
    try {
      const file = path.join(dir, 'compiled-schemas.cjs');
      await writeFile(file, writing.source());
      const saved = createRequire(import.meta.url)(file) as CompiledSchemas;
      const restored: string[] = [];
      const validators = new Map([...saved.validators].map(([key, restore]) => [key, () => (restored.push(key), restore())] as const));

      const fromSaved = await answer(app(precompiledCompilers({ validators, serializers: saved.serializers })));
      expect(restored).toHaveLength(1);
      expect(fromSaved).toEqual(await answer(app()));
      expect(fromSaved).toEqual({ status: 200, body: { type: 'number', body: 5 } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
