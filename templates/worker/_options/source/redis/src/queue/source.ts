import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { JobSource } from './queue.js';
import { connect, createConnection, createRedisSource, type RedisSettings } from './redis.js';

// The job source this project was generated with: a BullMQ queue on Redis, shared by any number of
// worker processes (src/queue/redis.ts). BullMQ creates its keys with the first job: there is no
// schema and no setup step.

export const SOURCE = 'redis';

/** This source's environment variables, merged into the schema of src/config.ts. */
export const sourceEnvSchema = {
  required: ['REDIS_URL'],
  properties: {
    REDIS_URL: { type: 'string', minLength: 1 },
    QUEUE_NAME: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$', default: 'jobs' },
    QUEUE_PREFIX: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$', default: 'bull' },
    // Longer than a lock renewal can be late: a killed worker's job is redelivered this long after.
    LOCK_DURATION_MS: { type: 'integer', minimum: 1_000, maximum: 3_600_000, default: 30_000 },
    STALLED_INTERVAL_MS: { type: 'integer', minimum: 1_000, maximum: 3_600_000, default: 30_000 },
  },
};

export interface SourceEnv {
  REDIS_URL: string;
  QUEUE_NAME: string;
  QUEUE_PREFIX: string;
  LOCK_DURATION_MS: number;
  STALLED_INTERVAL_MS: number;
}

export type SourceConfig = RedisSettings;

/** Throws an Error naming the variable (src/config.ts makes it a one-line ConfigError). */
export function sourceConfig(env: SourceEnv): SourceConfig {
  let protocol = '';
  try {
    protocol = new URL(env.REDIS_URL).protocol;
  } catch {
    // reported below; the value is not echoed, it may hold a password
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new Error('REDIS_URL must be a URL like redis://user:password@host:6379/0');
  }
  return {
    url: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    queue: env.QUEUE_NAME,
    lockDurationMs: env.LOCK_DURATION_MS,
    stalledIntervalMs: env.STALLED_INTERVAL_MS,
  };
}

/** Connects to Redis (abortable by `signal`); src/main.ts then starts BullMQ's worker on it. */
export async function openSource(config: Config, options: { log: Logger; signal: AbortSignal }): Promise<JobSource> {
  const { log, signal } = options;
  const connection = createConnection(config.source.url, {
    log,
    backoffBaseMs: config.pollIntervalMs,
    backoffMaxMs: config.queueBackoffMaxMs,
  });
  try {
    await connect(connection, signal);
  } catch (err) {
    connection.disconnect();
    throw err;
  }
  return createRedisSource({ connection, settings: config.source, policy: config, concurrency: config.concurrency, log });
}
