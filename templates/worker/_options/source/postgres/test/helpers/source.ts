import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import type { NewJob } from '../../src/jobs/job.js';
import { addJobs, createBoss, migrate, type PostgresSettings } from '../../src/queue/pgboss.js';
import type { LogLine } from './service.js';

// How the tests drive this project's job source: a real PostgreSQL server, given by DATABASE_URL
// (CI sets it). Each test gets its own random schema, migrated here as `npm run migrate` does and
// dropped afterwards, so parallel runs and reruns never see each other's jobs.

export const DATABASE_URL = process.env.DATABASE_URL ?? '';

export const SKIP_REASON: string | undefined = DATABASE_URL
  ? undefined
  : 'set DATABASE_URL=postgres://user@127.0.0.1:5432/db to run the PostgreSQL tests';

/** Several worker processes share one queue, and a killed one's jobs are redelivered. */
export const SHARED = true;

/** Source variables that make loadConfig succeed (it does not connect). */
export const MINIMAL_ENV: Record<string, string> = { DATABASE_URL: 'postgres://app@127.0.0.1:5432/app' };

/** The retry policy and lease a test asks for: written to the queue by the migration, and to `env`. */
export interface Policy {
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How soon a killed worker's job comes back: pg-boss's heartbeat (at least 10 s). */
  leaseSeconds?: number;
}

export interface JobRow {
  id: string;
  state: string;
  retry_count: number;
  /** start_after - now(), in ms: <= 0 means due */
  due_in_ms: number;
  output: { message?: string } | null;
}

export interface TestQueue {
  /** Variables that point a worker at this queue, and its policy. */
  env: Record<string, string>;
  /** Ids of the jobs, in enqueue order. */
  ids: string[];
  schema: string;
  /** Ids due at once (created or retry, start_after passed) once the workers have exited. */
  queuedAfterExit(logs?: readonly LogLine[]): Promise<string[]>;
  /** Jobs pg-boss failed for good, and their errors. */
  deadLetters(logs?: readonly LogLine[]): Promise<Array<{ id: string; error: string }>>;
  /** Ids of the completed jobs. */
  completed(logs?: readonly LogLine[]): Promise<string[]>;
  rows(): Promise<JobRow[]>;
  enqueue(jobs: NewJob[]): Promise<string[]>;
  close(): Promise<void>;
}

const DEFAULTS = { maxAttempts: 5, retryBaseMs: 1_000, retryMaxMs: 60_000, leaseSeconds: 30 };

/** `options.url`: another server than DATABASE_URL's (a test's private one). */
export async function createTestQueue(jobs: NewJob[], policy: Policy = {}, options: { url?: string } = {}): Promise<TestQueue> {
  const url = options.url ?? DATABASE_URL;
  const full = { ...DEFAULTS, ...policy };
  const schema = `loopsvc_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const heartbeatSeconds = Math.max(10, full.leaseSeconds);
  const settings: PostgresSettings = { databaseUrl: url, schema, queue: 'jobs', expireSeconds: 900, heartbeatSeconds, superviseIntervalSeconds: 1 };
  const log = pino({ level: 'silent' });
  await migrate(settings, full, log);
  const boss = createBoss(settings, log);
  await boss.start();
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on('error', () => undefined); // an idle connection cut by a test's server restart: the pool replaces it
  const enqueue = (more: NewJob[]) => addJobs(boss, settings.queue, more);
  const ids = await enqueue(jobs);
  const rows = async () =>
    (
      await admin.query<JobRow>(
        `SELECT id, state, retry_count, output, (extract(epoch FROM start_after - now()) * 1000)::int AS due_in_ms
         FROM "${schema}".job WHERE name = $1 ORDER BY created_on, id`,
        [settings.queue],
      )
    ).rows;
  const order = (list: string[]) => ids.filter((id) => list.includes(id)).concat(list.filter((id) => !ids.includes(id)));
  return {
    env: {
      DATABASE_URL: url,
      QUEUE_SCHEMA: schema,
      MAX_ATTEMPTS: String(full.maxAttempts),
      RETRY_BASE_MS: String(full.retryBaseMs),
      RETRY_MAX_MS: String(full.retryMaxMs),
      JOB_HEARTBEAT_SECONDS: String(heartbeatSeconds),
      SUPERVISE_INTERVAL_SECONDS: '1',
    },
    ids,
    schema,
    queuedAfterExit: async () =>
      order((await rows()).filter((r) => (r.state === 'created' || r.state === 'retry') && r.due_in_ms <= 0).map((r) => r.id)),
    deadLetters: async () => (await rows()).filter((r) => r.state === 'failed').map((r) => ({ id: r.id, error: r.output?.message ?? '' })),
    completed: async () => (await rows()).filter((r) => r.state === 'completed').map((r) => r.id),
    rows,
    enqueue,
    close: async () => {
      await boss.stop({ graceful: false });
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

/** The variable that points the worker at the server. */
export const URL_VARIABLE = 'DATABASE_URL';
