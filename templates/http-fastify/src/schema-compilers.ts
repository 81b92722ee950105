import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

/**
 * The validators and serializers of the routes, compiled by `npm run build` instead of at every
 * start. Fastify compiles each route's request schemas with ajv and its response schemas with
 * fast-json-stringify while the service starts; that was most of the startup time above a bare
 * Fastify. The build (src/build/compile-schemas.ts) builds the app once, keeps the code those two
 * generate, and writes it into dist/compiled-schemas.cjs. The built service then restores each
 * function from there, and compiles as Fastify does only what the module does not hold exactly:
 * the same method, URL, request part or status and content type, and the same schema, compared
 * by its JSON (with the shared schemas of `addSchema`), so a schema changed after the build is
 * compiled afresh, never served by a stale function. Under tsx and vitest there is no such
 * module: Fastify's own compilers run, as they would without this file.
 */

export type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
export type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;
export type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;
/** What Fastify asks a compiler for: a schema, the route, and the request part or the status. */
export type SchemaRoute = Parameters<ReturnType<ValidatorFactory>>[0] | Parameters<ReturnType<SerializerFactory>>[0];

/** dist/compiled-schemas.cjs: for each key (schemaKey), a function that evaluates the saved code. */
export interface CompiledSchemas {
  validators: ReadonlyMap<string, () => unknown>;
  serializers: ReadonlyMap<string, () => unknown>;
}

export const COMPILED_SCHEMAS_FILE = 'compiled-schemas.cjs';

const require = createRequire(import.meta.url);

/** The key of one compiled function: everything its code depends on, as JSON. */
export function schemaKey(route: SchemaRoute, externalSchemas: unknown): string {
  const part = 'httpPart' in route ? route.httpPart : `response ${route.httpStatus}`;
  return JSON.stringify([route.method, route.url, part, ('contentType' in route ? route.contentType : null), route.schema, externalSchemas ?? {}]);
}

interface FastifyValidation {
  compileSchemasForValidation(context: object, compile: (route: { schema: unknown }) => unknown, isCustom: boolean): void;
  symbols: { headersSchema: symbol };
}

/**
 * A header schema as Fastify's default compiler receives it. Header names are case-insensitive
 * and Node.js gives them in lowercase, so Fastify lowercases the names in a header schema, but
 * only when its own ajv compiler runs: with any compilersFactory it passes the schema as written.
 * This runs Fastify's own code for it (lib/validation.js, already loaded by Fastify), so header
 * validation stays the same; test/schemas-build.test.ts compares it with the default.
 */
export function normalizeRoute<T extends SchemaRoute>(route: T): T {
  if (!('httpPart' in route) || route.httpPart !== 'headers') return route;
  const { schema } = route;
  if (typeof schema !== 'object' || schema === null || Object.getPrototypeOf(schema) !== Object.prototype) return route;
  const validation = require('fastify/lib/validation.js') as FastifyValidation;
  const context: Record<string | symbol, unknown> = { schema: { headers: schema }, config: { method: route.method, url: route.url } };
  validation.compileSchemasForValidation(context, ({ schema: lowered }) => lowered, false);
  return { ...route, schema: context[validation.symbols.headersSchema] };
}

// Fastify's default compilers, loaded only when a schema has to be compiled after all (each one
// loads ajv or fast-json-stringify). One of each, so they keep their pools as in Fastify.
let defaultValidators: ValidatorFactory | undefined;
let defaultSerializers: SerializerFactory | undefined;
const fastifyValidators = (): ValidatorFactory =>
  (defaultValidators ??= (require('@fastify/ajv-compiler') as () => ValidatorFactory)());
const fastifySerializers = (): SerializerFactory =>
  (defaultSerializers ??= (require('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => SerializerFactory }).SerializerSelector());

type Validator = ReturnType<ReturnType<ValidatorFactory>>;

/**
 * A saved validator as Fastify calls one ajv compiled. Fastify passes the request as the parent
 * of the value only to functions that carry ajv's `schemaEnv`, and ajv can replace a value it
 * coerces (a body schema `{ type: 'integer' }` sent as `"5"`) only through its parent. The saved
 * code is the same function and takes the same second argument, but restored it has no
 * `schemaEnv`: without the mark such a body would pass as the string. The test compares it with
 * Fastify's own compiler.
 */
function asAjvFunction(restored: unknown): Validator {
  const marked = restored as { schemaEnv?: unknown };
  marked.schemaEnv ??= { restored: true };
  return restored as Validator;
}

/** The compilersFactory of the built service: the saved function on an exact match, else Fastify's. */
export function precompiledCompilers(compiled: CompiledSchemas): CompilersFactory {
  const buildValidator: ValidatorFactory = (externalSchemas, ajvOptions) => {
    let compile: ReturnType<ValidatorFactory> | undefined;
    return (route) => {
      const normalized = normalizeRoute(route);
      const restore = compiled.validators.get(schemaKey(normalized, externalSchemas));
      if (restore) return asAjvFunction(restore());
      compile ??= fastifyValidators()(externalSchemas, ajvOptions);
      return compile(normalized);
    };
  };
  const buildSerializer: SerializerFactory = (externalSchemas, serializerOpts) => {
    let compile: ReturnType<SerializerFactory> | undefined;
    return (route) => {
      const restore = compiled.serializers.get(schemaKey(route, externalSchemas));
      if (restore) return restore() as ReturnType<ReturnType<SerializerFactory>>;
      compile ??= fastifySerializers()(externalSchemas, serializerOpts);
      return compile(route);
    };
  };
  return { buildValidator, buildSerializer };
}

/**
 * The compilers for src/app.ts: the precompiled ones when dist/compiled-schemas.cjs is there,
 * else none (Fastify's defaults). Read once, at startup, before anything listens.
 */
export async function schemaCompilers(): Promise<CompilersFactory | undefined> {
  if (import.meta.url.endsWith('.ts')) return undefined; // tsx and vitest: no build, compile as usual
  try {
    const compiled = (await import(new URL(`./${COMPILED_SCHEMAS_FILE}`, import.meta.url).href)) as { default: CompiledSchemas };
    return precompiledCompilers(compiled.default);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return undefined; // built by tsc alone
    throw err;
  }
}
