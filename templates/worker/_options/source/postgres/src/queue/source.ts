import type { Logger } from 'pino';
import { createPool, PostgresQueue } from './postgres.js';
import type { JobQueue } from './queue.js';

// The job source this project was generated with: a PostgreSQL table shared by any number of worker
// processes (src/queue/postgres.ts). To use another source, implement JobQueue (src/queue/queue.ts)
// and return it from openQueue below.

export const SOURCE = 'postgres';

/** This source's environment variables, merged into the schema of src/config.ts. */
export const sourceEnvSchema = {
  required: ['DATABASE_URL'],
  properties: {
    DATABASE_URL: { type: 'string', minLength: 1 },
    QUEUE_SCHEMA: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'public' },
    // Longer than your slowest job: a job still running when its lease ends is delivered again.
    LEASE_MS: { type: 'integer', minimum: 1_000, maximum: 86_400_000, default: 300_000 },
  },
};

export interface SourceEnv {
  DATABASE_URL: string;
  QUEUE_SCHEMA: string;
  LEASE_MS: number;
}

export interface SourceConfig {
  databaseUrl: string;
  /** Schema of the jobs table, created by `npm run migrate`. */
  schema: string;
  /** Visibility timeout: how long a claimed job stays hidden from other workers. */
  leaseMs: number;
}

/** Throws an Error naming the variable (src/config.ts makes it a one-line ConfigError). */
export function sourceConfig(env: SourceEnv): SourceConfig {
  let protocol = '';
  try {
    protocol = new URL(env.DATABASE_URL).protocol;
  } catch {
    // reported below; the value is not echoed, it may hold a password
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new Error('DATABASE_URL must be a URL like postgres://user:password@host:5432/database');
  }
  return { databaseUrl: env.DATABASE_URL, schema: env.QUEUE_SCHEMA, leaseMs: env.LEASE_MS };
}

/** Opens the pool and checks that the migration ran; the loop claims from it. */
export async function openQueue(config: SourceConfig, log: Logger): Promise<JobQueue> {
  const pool = createPool(config.databaseUrl, log);
  const queue = new PostgresQueue({ pool, schema: config.schema, leaseMs: config.leaseMs });
  try {
    await queue.check();
  } catch (err) {
    await pool.end();
    throw err;
  }
  return queue;
}
