import { StandaloneValidator } from '@fastify/ajv-compiler';
import { StandaloneSerializer } from '@fastify/fast-json-stringify-compiler';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { buildApp as BuildApp } from '../app.js';
import type { ConfigError as ConfigErrorClass, loadConfig as LoadConfig } from '../config.js';
import { COMPILED_SCHEMAS_FILE, normalizeRoute, schemaKey, type CompilersFactory, type SerializerFactory, type ValidatorFactory } from '../schema-compilers.js';

/**
 * The third part of `npm run build`, after the schema modules are JSON (./emit-schemas.ts): builds
 * the app of dist/ once, with Fastify's standalone compilers, which compile every route's schemas
 * as Fastify does and also give the code of each function; writes all of it into
 * dist/compiled-schemas.cjs, keyed as ../schema-compilers.ts looks it up. The app is only built
 * and made ready, with a config that opens nothing outside the process, then closed.
 *
 * That config is BUILD_ENV alone, never the build machine's environment: the build then never
 * reaches a database or service that variables there point to. When BUILD_ENV is not a valid
 * config (a variable you made required, say), nothing is precompiled: one line says why, the
 * build still succeeds, and the service compiles its schemas at startup as Fastify does, a little
 * slower to its first answer. Add a harmless value for that variable to BUILD_ENV to precompile.
 */

/** What that one build always uses: nothing logs, the CPU pool has one thread. */
const BUILD_ENV = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', CPU_POOL_THREADS: '1' };

/** Which code of a saved function (its `require`s) resolves from which package. */
const PRELUDE = `'use strict';
const { createRequire } = require('node:module');
// The saved code requires ajv's runtime (validators) and fast-json-stringify's (serializers):
// resolved from the packages that wrote it, as they would resolve them.
const validatorRequire = createRequire(require.resolve('@fastify/ajv-compiler/package.json'));
const serializerRequire = createRequire(
  createRequire(require.resolve('@fastify/fast-json-stringify-compiler/package.json')).resolve('fast-json-stringify/package.json'),
);
function evaluate(code, require) {
  const module = { exports: {} };
  code(module, module.exports, require);
  return module.exports;
}
`;

function entries(saved: ReadonlyMap<string, string>, requireName: string): string {
  const lines = [...saved].map(
    ([key, code]) => `  [${JSON.stringify(key)}, () => evaluate(function (module, exports, require) {\n${code}\n}, ${requireName})],`,
  );
  return `new Map([\n${lines.join('\n')}\n])`;
}

/** The source of dist/compiled-schemas.cjs. */
export function compiledSchemasSource(validators: ReadonlyMap<string, string>, serializers: ReadonlyMap<string, string>): string {
  return [
    '// Written by `npm run build` (src/build/compile-schemas.ts): the validators and serializers of the routes.',
    PRELUDE,
    `exports.validators = ${entries(validators, 'validatorRequire')};`,
    `exports.serializers = ${entries(serializers, 'serializerRequire')};`,
    '',
  ].join('\n');
}

/**
 * Fastify's standalone compilers in write mode: they compile as Fastify does and keep each
 * function's code under the key the service looks it up by; `source()` is then the module.
 */
export function writingCompilers(): { compilers: CompilersFactory; source: () => string } {
  const validators = new Map<string, string>();
  const serializers = new Map<string, string>();
  let key = '';

  const writeValidator = StandaloneValidator({ readMode: false, storeFunction: (_route, code) => validators.set(key, code) });
  const buildValidator: ValidatorFactory = (externalSchemas, ajvOptions) => {
    const compile = writeValidator(externalSchemas, ajvOptions);
    return (route) => {
      const normalized = normalizeRoute(route); // as the service will look it up
      key = schemaKey(normalized, externalSchemas);
      return compile(normalized); // calls storeFunction, synchronously
    };
  };
  const writeSerializer = StandaloneSerializer({ readMode: false, storeFunction: (_route, code) => serializers.set(key, code) });
  const buildSerializer: SerializerFactory = (externalSchemas, serializerOpts) => {
    // inlineValidators: the code of an anyOf response checks its branches with ajv's standalone
    // code, instead of loading ajv to compile them at startup.
    const compile = writeSerializer(externalSchemas, { ...serializerOpts, inlineValidators: true });
    return (route) => {
      key = schemaKey(route, externalSchemas);
      return compile(route);
    };
  };
  return { compilers: { buildValidator, buildSerializer }, source: () => compiledSchemasSource(validators, serializers) };
}

/**
 * Compiles the schemas of the app under `dist` and writes the module; resolves with its path, or
 * with undefined when `env` is not a valid config (see above).
 */
export async function compileSchemas(
  dist: string,
  env: Record<string, string | undefined> = BUILD_ENV,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string | undefined> {
  const url = (file: string): string => pathToFileURL(path.join(dist, file)).href;
  const { buildApp } = (await import(url('app.js'))) as { buildApp: typeof BuildApp };
  const { loadConfig, ConfigError } = (await import(url('config.js'))) as { loadConfig: typeof LoadConfig; ConfigError: typeof ConfigErrorClass };
  const file = path.join(dist, COMPILED_SCHEMAS_FILE);
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    await rm(file, { force: true }); // an earlier build's functions: never used for a changed schema, but stale
    warn(`route schemas not precompiled (the service compiles them at startup): BUILD_ENV in src/build/compile-schemas.ts is not a valid config: ${err.message}`);
    return undefined;
  }
  const writing = writingCompilers();
  const app = await buildApp(config, { compilers: writing.compilers });
  try {
    await app.ready();
  } finally {
    await app.close();
  }
  await writeFile(file, writing.source());
  return file;
}
