import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate, PostgresQueue } from '../../src/queue/postgres.js';
import type { NewJob } from '../../src/queue/queue.js';
import type { LogLine } from './service.js';

// How the tests drive this project's job source: a real PostgreSQL server, given by DATABASE_URL
// (CI sets it). Each test gets its own random schema, created and dropped here, so parallel runs
// and reruns never see each other's jobs.

export const DATABASE_URL = process.env.DATABASE_URL ?? '';

export const SKIP_REASON: string | undefined = DATABASE_URL
  ? undefined
  : 'set DATABASE_URL=postgres://user@127.0.0.1:5432/db to run the PostgreSQL tests';

/** Source variables that make loadConfig succeed (it does not connect). */
export const MINIMAL_ENV: Record<string, string> = { DATABASE_URL: 'postgres://app@127.0.0.1:5432/app' };

export interface JobRow {
  id: string;
  type: string;
  status: 'queued' | 'dead';
  attempts: number;
  lease_id: string | null;
  last_error: string | null;
  /** run_at - now(), in ms: <= 0 means due */
  due_in_ms: number;
}

export interface TestQueue {
  /** Variables that point a worker at this queue. */
  env: Record<string, string>;
  /** Ids of the jobs, in enqueue order. */
  ids: string[];
  schema: string;
  /** Ids still queued once the workers have exited. */
  queuedAfterExit(logs?: readonly LogLine[]): Promise<string[]>;
  /** Dead-lettered jobs and their errors. */
  deadLetters(logs?: readonly LogLine[]): Promise<Array<{ id: string; error: string }>>;
  rows(): Promise<JobRow[]>;
  /** A queue on this schema for the test itself (its own pool, ended by close()). */
  queue(options?: { leaseMs?: number }): PostgresQueue;
  enqueue(jobs: NewJob[]): Promise<string[]>;
  close(): Promise<void>;
}

export async function createTestQueue(jobs: NewJob[]): Promise<TestQueue> {
  const schema = `loopsvc_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  await migrate(admin, schema);
  const queues: PostgresQueue[] = [];
  const queue = (options: { leaseMs?: number } = {}) => {
    const q = new PostgresQueue({ pool: new pg.Pool({ connectionString: DATABASE_URL, max: 2 }), schema, leaseMs: options.leaseMs ?? 60_000 });
    queues.push(q);
    return q;
  };
  const producer = queue();
  const ids = await producer.enqueue(jobs);
  const rows = async () =>
    (
      await admin.query<JobRow>(
        `SELECT id, type, status, attempts, lease_id, last_error,
                (extract(epoch FROM run_at - now()) * 1000)::int AS due_in_ms
         FROM "${schema}".jobs ORDER BY id`,
      )
    ).rows;
  return {
    env: { DATABASE_URL, QUEUE_SCHEMA: schema },
    ids,
    schema,
    queuedAfterExit: async () => (await rows()).filter((r) => r.status === 'queued').map((r) => r.id),
    deadLetters: async () =>
      (await rows()).filter((r) => r.status === 'dead').map((r) => ({ id: r.id, error: r.last_error ?? '' })),
    rows,
    queue,
    enqueue: (more) => producer.enqueue(more),
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}
