import Fastify from 'fastify';
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

// src/app.ts turns off ajv's meta-schema check at startup (it costs more than compiling the
// schemas): this test makes it instead. Every export of every schema module (src/schemas.ts,
// src/**/*.schemas.ts) goes through a Fastify with ajv's defaults, which refuses an invalid schema.

const SRC = new URL('../src/', import.meta.url);

async function schemaModules(): Promise<string[]> {
  const files = await readdir(SRC, { recursive: true });
  return files.map((f) => f.replaceAll('\\', '/')).filter((f) => /(^|\/)(\w+\.)?schemas\.ts$/.test(f));
}

/** Rejects when ajv, with its meta-schema check on, refuses one of `schemas`. */
async function compileChecked(schemas: Record<string, unknown>): Promise<void> {
  const app = Fastify();
  for (const [name, schema] of Object.entries(schemas)) {
    app.post(`/${name}`, { schema: { body: schema } }, () => ({}));
  }
  try {
    await app.ready();
  } finally {
    await app.close();
  }
}

describe('the schemas', () => {
  it('are valid JSON Schema, in every schema module', async () => {
    const files = await schemaModules();
    expect(files).toEqual(expect.arrayContaining(['schemas.ts', 'routes/hash.schemas.ts']));
    for (const file of files) {
      const exports = (await import(new URL(file, SRC).href)) as Record<string, unknown>;
      const schemas = Object.fromEntries(Object.entries(exports).filter(([, v]) => typeof v === 'object' && v !== null));
      expect(Object.keys(schemas).length, file).toBeGreaterThan(0);
      await expect(compileChecked(schemas), file).resolves.toBeUndefined();
    }
  });

  it('this check refuses a schema that breaks the meta-schema', async () => {
    await expect(compileChecked({ bad: { type: 'object', minProperties: 'two' } })).rejects.toThrow(/schema is invalid/);
  });
});
