import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('PostgreSQL source configuration', () => {
  it('reads DATABASE_URL, with the public schema and a 5 minute lease by default', () => {
    const { source } = loadConfig({ DATABASE_URL: 'postgres://app:secret@db:5432/app' });
    expect(source).toEqual({ databaseUrl: 'postgres://app:secret@db:5432/app', schema: 'public', leaseMs: 300_000 });
  });

  it.each([
    [{}, 'DATABASE_URL'],
    [{ DATABASE_URL: '' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://app@db/app' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://app@db/app', QUEUE_SCHEMA: 'Jobs; DROP TABLE x' }, 'QUEUE_SCHEMA'],
    [{ DATABASE_URL: 'postgres://app@db/app', LEASE_MS: '10' }, 'LEASE_MS'],
  ])('rejects %j with one line naming %s', (env, name) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(name);
    expect((error as ConfigError).message).not.toContain('\n');
  });

  it('never echoes DATABASE_URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/app' })).toThrow(/^(?!.*hunter2)/);
  });
});
