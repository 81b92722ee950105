import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createBoss, createPostgresSource, startBoss, type PostgresSettings } from './pgboss.js';
import type { JobSource } from './queue.js';

// The job source this project was generated with: a pg-boss queue in PostgreSQL, shared by any
// number of worker processes (src/queue/pgboss.ts). Its tables are created by `npm run migrate`.

export const SOURCE = 'postgres';

/** This source's environment variables, merged into the schema of src/config.ts. */
export const sourceEnvSchema = {
  required: ['DATABASE_URL'],
  properties: {
    DATABASE_URL: { type: 'string', minLength: 1 },
    QUEUE_SCHEMA: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'pgboss' },
    QUEUE_NAME: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$', default: 'jobs' },
    // Longer than your slowest job: a job still running when it expires is failed and retried.
    JOB_EXPIRE_SECONDS: { type: 'integer', minimum: 1, maximum: 86_400, default: 900 },
    // A killed worker's job is retried this long after its last heartbeat (pg-boss: at least 10).
    JOB_HEARTBEAT_SECONDS: { type: 'integer', minimum: 10, maximum: 3_600, default: 30 },
    SUPERVISE_INTERVAL_SECONDS: { type: 'integer', minimum: 1, maximum: 3_600, default: 60 },
  },
};

export interface SourceEnv {
  DATABASE_URL: string;
  QUEUE_SCHEMA: string;
  QUEUE_NAME: string;
  JOB_EXPIRE_SECONDS: number;
  JOB_HEARTBEAT_SECONDS: number;
  SUPERVISE_INTERVAL_SECONDS: number;
  RETRY_BASE_MS: number;
  RETRY_MAX_MS: number;
}

export type SourceConfig = PostgresSettings;

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
  for (const name of ['RETRY_BASE_MS', 'RETRY_MAX_MS'] as const) {
    // pg-boss stores retry delays in whole seconds
    if (env[name] % 1000 !== 0 || env[name] === 0) throw new Error(`${name} must be a whole number of seconds for pg-boss, e.g. 1000 or 60000`);
  }
  return {
    databaseUrl: env.DATABASE_URL,
    schema: env.QUEUE_SCHEMA,
    queue: env.QUEUE_NAME,
    expireSeconds: env.JOB_EXPIRE_SECONDS,
    heartbeatSeconds: env.JOB_HEARTBEAT_SECONDS,
    superviseIntervalSeconds: env.SUPERVISE_INTERVAL_SECONDS,
  };
}

/** Starts pg-boss (abortable by `signal`) and checks that the migration ran. */
export async function openSource(config: Config, options: { log: Logger; signal: AbortSignal }): Promise<JobSource> {
  const { log, signal } = options;
  const boss = createBoss(config.source, log);
  try {
    await startBoss(boss, config.source, signal);
  } catch (err) {
    const stopped = boss.stop({ graceful: false }).catch(() => undefined);
    // pg-boss's stop() first waits for a start() still connecting: after a SIGTERM, do not wait
    // for it (the process exits once src/main.ts has closed the rest).
    if (!signal.aborted) await stopped;
    throw err;
  }
  return createPostgresSource({ boss, settings: config.source, concurrency: config.concurrency, pollIntervalMs: config.pollIntervalMs, log });
}
