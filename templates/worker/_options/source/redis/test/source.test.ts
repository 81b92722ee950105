import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createConnection } from '../src/queue/redis.js';
import { configError } from './helpers/config.js';

describe('Redis source: configuration and reconnect backoff', () => {
  it('reads REDIS_URL, with the bull prefix, the jobs queue and 30 s locks by default', () => {
    const { source } = loadConfig({ REDIS_URL: 'redis://app:secret@cache:6379/0' });
    expect(source).toEqual({
      url: 'redis://app:secret@cache:6379/0',
      prefix: 'bull',
      queue: 'jobs',
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
    });
  });

  it.each([
    [{}, 'REDIS_URL'],
    [{ REDIS_URL: '' }, 'REDIS_URL'],
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://cache:6379', QUEUE_PREFIX: 'a b' }, 'QUEUE_PREFIX'],
    [{ REDIS_URL: 'redis://cache:6379', LOCK_DURATION_MS: '10' }, 'LOCK_DURATION_MS'],
  ])('rejects %j with one line naming %s', (env, name) => {
    const { message } = configError(env);
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('never echoes REDIS_URL, which may hold a password', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://app:hunter2@cache' })).toThrow(/^(?!.*hunter2)/);
  });

  it('reconnects after delays from the base doubling up to the cap (the backoff of an outage)', () => {
    const connection = createConnection('redis://127.0.0.1:6379', { log: pino({ level: 'silent' }), backoffBaseMs: 100, backoffMaxMs: 1_000 });
    const delays = [1, 2, 3, 4, 5, 6, 50].map((times) => connection.options.retryStrategy?.(times));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
    connection.disconnect(); // lazyConnect: it never connected
  });
});
