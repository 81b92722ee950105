import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { configError } from './helpers/config.js';

describe('PostgreSQL source configuration', () => {
  it('reads DATABASE_URL, with the pgboss schema, the jobs queue, a 15 minute expiry and a 30 s heartbeat by default', () => {
    const { source } = loadConfig({ DATABASE_URL: 'postgres://app:secret@db:5432/app' });
    expect(source).toEqual({
      databaseUrl: 'postgres://app:secret@db:5432/app',
      schema: 'pgboss',
      queue: 'jobs',
      expireSeconds: 900,
      heartbeatSeconds: 30,
      superviseIntervalSeconds: 60,
    });
  });

  it.each([
    [{}, 'DATABASE_URL'],
    [{ DATABASE_URL: '' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://app@db/app' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://app@db/app', QUEUE_SCHEMA: 'Jobs; DROP TABLE x' }, 'QUEUE_SCHEMA'],
    [{ DATABASE_URL: 'postgres://app@db/app', JOB_EXPIRE_SECONDS: '0' }, 'JOB_EXPIRE_SECONDS'],
    [{ DATABASE_URL: 'postgres://app@db/app', JOB_HEARTBEAT_SECONDS: '5' }, 'JOB_HEARTBEAT_SECONDS'],
    [{ DATABASE_URL: 'postgres://app@db/app', RETRY_BASE_MS: '1500' }, 'RETRY_BASE_MS'],
  ])('rejects %j with one line naming %s', (env, name) => {
    const { message } = configError(env);
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('never echoes DATABASE_URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/app' })).toThrow(/^(?!.*hunter2)/);
  });
});
