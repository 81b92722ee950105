import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { FailOutcome, Job, JobQueue, NewJob } from './queue.js';

// A PostgreSQL job queue written directly on `pg` (node-postgres). The well-kept queue libraries
// (pg-boss 12, graphile-worker 0.18) require Node 22+, and this project supports Node 20.19; the core
// they share is small: one table, `FOR UPDATE SKIP LOCKED` and a lease (R4.6).
//
// - claim: one UPDATE takes the oldest due job that no other transaction has locked (SKIP LOCKED,
//   so concurrent workers never wait for or take the same row), counts the attempt, and leases it:
//   `run_at` moves to now + lease. A worker killed mid-job (SIGKILL, OOM, lost node) loses nothing:
//   when the lease runs out the job is due again and another worker claims it.
// - ack deletes the job; fail schedules a retry (run_at = now + delay) or marks it 'dead' with its
//   error; release makes it due at once. Each checks `lease_id`, so a worker whose lease ran out
//   cannot ack a job another worker now holds.
// - Time comes from the database (now()), so the workers' clocks do not matter.

/** A quoted SQL identifier (src/config.ts also restricts QUEUE_SCHEMA to [a-z0-9_]). */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** One pool per process, opened at startup and ended by close() (R3.1). */
export function createPool(databaseUrl: string, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4, // queries are short: a job does not hold a connection while its handler runs
    connectionTimeoutMillis: 5_000, // R2.2: every wait is bounded, also when the server is unreachable
    query_timeout: 10_000,
    application_name: 'loopsvc-worker',
  });
  // An idle connection that breaks (server restart, network) is reported here; without a listener
  // the pool's 'error' event would crash the process. The next query simply opens a new connection.
  pool.on('error', (err) => {
    log.warn({ err }, 'idle database connection lost');
  });
  return pool;
}

/** Creates the schema, table and index if missing. Run by `npm run migrate`, never on every start. */
export async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  const s = ident(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('loopsvc-worker-migrate'))`); // one migrator at a time
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.jobs (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type       text NOT NULL,
        payload    jsonb NOT NULL DEFAULT '{}',
        status     text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'dead')),
        attempts   integer NOT NULL DEFAULT 0,       -- claims so far
        run_at     timestamptz NOT NULL DEFAULT now(), -- due from: now, after a retry delay, or when a lease ends
        lease_id   uuid,                             -- set while a worker holds the job
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await client.query(`CREATE INDEX IF NOT EXISTS jobs_due ON ${s}.jobs (run_at, id) WHERE status = 'queued'`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export class PostgresQueue implements JobQueue {
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #jobs: string;
  readonly #leaseMs: number;

  constructor(options: { pool: pg.Pool; schema: string; leaseMs: number }) {
    this.#pool = options.pool;
    this.#schema = options.schema;
    this.#jobs = `${ident(options.schema)}.jobs`;
    this.#leaseMs = options.leaseMs;
  }

  /** Fails fast at startup when the table is missing (the migration was not run). */
  async check(): Promise<void> {
    try {
      await this.#pool.query(`SELECT 1 FROM ${this.#jobs} LIMIT 0`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '42P01' || code === '3F000') {
        throw new Error(`table ${this.#schema}.jobs does not exist: run the migration first (npm run migrate)`);
      }
      throw err;
    }
  }

  /** The producer side: what an API or a cron job calls to add work. Returns the new ids in order. */
  async enqueue(jobs: readonly NewJob[]): Promise<string[]> {
    const { rows } = await this.#pool.query<{ id: string }>(
      `INSERT INTO ${this.#jobs} (type, payload)
       SELECT type, payload FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS j(type, payload, n)
       ORDER BY n
       RETURNING id`,
      [jobs.map((j) => j.type), jobs.map((j) => JSON.stringify(j.payload ?? {}))],
    );
    return rows.map((r) => r.id);
  }

  async claim(): Promise<Job | undefined> {
    const leaseId = randomUUID();
    const { rows } = await this.#pool.query<{ id: string; type: string; payload: unknown; attempts: number }>(
      `UPDATE ${this.#jobs}
       SET attempts = attempts + 1, lease_id = $1, run_at = now() + $2::integer * interval '1 millisecond'
       WHERE id = (
         SELECT id FROM ${this.#jobs}
         WHERE status = 'queued' AND run_at <= now()
         ORDER BY run_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED
       )
       RETURNING id, type, payload, attempts`,
      [leaseId, this.#leaseMs],
    );
    const row = rows[0];
    return row && { id: row.id, type: row.type, payload: row.payload, attempt: row.attempts, leaseId };
  }

  async ack(job: Job): Promise<boolean> {
    const { rowCount } = await this.#pool.query(`DELETE FROM ${this.#jobs} WHERE id = $1 AND lease_id = $2`, [job.id, job.leaseId]);
    return rowCount === 1;
  }

  async fail(job: Job, error: string, outcome: FailOutcome): Promise<void> {
    if ('deadLetter' in outcome) {
      await this.#pool.query(
        `UPDATE ${this.#jobs} SET status = 'dead', lease_id = NULL, last_error = $3 WHERE id = $1 AND lease_id = $2`,
        [job.id, job.leaseId, error],
      );
    } else {
      await this.#pool.query(
        `UPDATE ${this.#jobs}
         SET lease_id = NULL, last_error = $3, run_at = now() + $4::integer * interval '1 millisecond'
         WHERE id = $1 AND lease_id = $2`,
        [job.id, job.leaseId, error, outcome.retryInMs],
      );
    }
  }

  async release(job: Job): Promise<void> {
    await this.#pool.query(
      `UPDATE ${this.#jobs} SET lease_id = NULL, run_at = now(), attempts = attempts - 1 WHERE id = $1 AND lease_id = $2`,
      [job.id, job.leaseId],
    );
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
