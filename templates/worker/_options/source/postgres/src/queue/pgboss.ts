import { PgBoss, type Job as BossJob } from 'pg-boss';
import type { Logger } from 'pino';
import { errorText, PermanentJobError, type NewJob, type RunJob } from '../jobs/job.js';
import type { JobSource } from './queue.js';

// The PostgreSQL source, on pg-boss: pg-boss's workers run the claim loop (`FOR UPDATE SKIP
// LOCKED`, `CONCURRENCY` of them), store retries with capped exponential backoff and keep the jobs
// that failed for good, with their error. pg-boss refreshes a running job's heartbeat while its
// handler runs; when a worker is killed the heartbeat stops, and pg-boss's monitor gives the job
// back to the queue after JOB_HEARTBEAT_SECONDS (a live worker's long job is never taken from it).
//
// This file wires its lifecycle to src/main.ts: start after startup, offWork() on the signal (no
// new jobs, in-flight ones finish and are completed), and past the shutdown timeout `release`, the
// one thing written by hand: pg-boss has no public call that makes an active job due again at once
// without counting a retry (its own stop() fails them, which waits out the retry delay), so
// release() runs the same UPDATE as pg-boss's internal restore.

export interface PostgresSettings {
  databaseUrl: string;
  /** Schema of pg-boss's tables, created by `npm run migrate`. */
  schema: string;
  queue: string;
  /** How long a job may run at most before pg-boss fails it (and retries it). */
  expireSeconds: number;
  /** A job whose heartbeat is older than this is failed and retried: a killed worker's job. */
  heartbeatSeconds: number;
  /** How often the supervisor (and its monitor) looks for expired jobs. */
  superviseIntervalSeconds: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** One PgBoss instance per process (R3.1); `migrate: false`: the schema is `npm run migrate`'s job. */
export function createBoss(settings: PostgresSettings, log: Logger, options: { migrate?: boolean } = {}): PgBoss {
  const boss = new PgBoss({
    connectionString: settings.databaseUrl,
    schema: settings.schema,
    application_name: 'loopsvc-worker',
    max: 4,
    connectionTimeoutMillis: 5_000, // R2.2: every wait is bounded, also when the server is unreachable
    migrate: options.migrate ?? false,
    createSchema: options.migrate ?? false,
    schedule: false,
    // the supervisor's monitor is what finds expired jobs (a killed worker's): both on one interval
    superviseIntervalSeconds: settings.superviseIntervalSeconds,
    monitorIntervalSeconds: settings.superviseIntervalSeconds,
  });
  // Without a listener an 'error' event would crash the process. pg-boss retries at its polling
  // interval meanwhile; the log line is the backoff's trace.
  boss.on('error', (err: Error) => log.error({ err }, 'queue unavailable, retrying at the polling interval'));
  return boss;
}

/** The queue's policy, stored in the database by `npm run migrate` (pg-boss keeps it per queue). */
export function queuePolicy(settings: PostgresSettings, policy: RetryPolicy) {
  return {
    retryLimit: policy.maxAttempts - 1,
    retryDelay: Math.max(1, Math.round(policy.retryBaseMs / 1000)),
    retryBackoff: true,
    retryDelayMax: Math.max(1, Math.round(policy.retryMaxMs / 1000)),
    expireInSeconds: settings.expireSeconds,
    heartbeatSeconds: settings.heartbeatSeconds,
  };
}

/** Installs or upgrades pg-boss's schema and creates (or updates) the queue with its policy. */
export async function migrate(settings: PostgresSettings, policy: RetryPolicy, log: Logger): Promise<void> {
  const boss = createBoss(settings, log, { migrate: true });
  await boss.start();
  try {
    const options = queuePolicy(settings, policy);
    if (await boss.getQueue(settings.queue)) await boss.updateQueue(settings.queue, options);
    else await boss.createQueue(settings.queue, options);
  } finally {
    await boss.stop({ graceful: false });
  }
}

/** Rejects as soon as `signal` aborts (a SIGTERM during startup). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]);
}

/** Starts pg-boss and checks that the migration ran; both abortable by `signal`. */
export async function startBoss(boss: PgBoss, settings: PostgresSettings, signal: AbortSignal): Promise<void> {
  try {
    await abortable(boss.start(), signal);
  } catch (err) {
    if (!(err instanceof Error) || !/not installed/.test(err.message)) throw err;
    throw new Error(`pg-boss's schema ${settings.schema} is not installed: run the migration first (npm run migrate)`, { cause: err });
  }
  const queue = await abortable(boss.getQueue(settings.queue), signal);
  if (!queue) throw new Error(`queue ${settings.queue} does not exist in schema ${settings.schema}: run the migration first (npm run migrate)`);
}

/** The producer side: what an API or a cron job calls to add work. Returns the new ids in order. */
export async function addJobs(boss: PgBoss, queue: string, jobs: readonly NewJob[]): Promise<string[]> {
  const ids = await boss.insert(
    queue,
    jobs.map(({ type, payload = {} }) => ({ data: { type, payload } })),
    { returnId: true },
  );
  return ids ?? [];
}

interface Envelope {
  type: string;
  payload: unknown;
}

export function createPostgresSource(options: {
  boss: PgBoss;
  settings: PostgresSettings;
  concurrency: number;
  pollIntervalMs: number;
  log: Logger;
}): JobSource {
  const { boss, settings, concurrency, pollIntervalMs, log } = options;
  const inFlight = new Set<string>();
  // pg-boss reports each failed query ('error', logged by createBoss) but not the recovery: the
  // first job claimed after a failure is the sign the database answers again.
  let failures = 0;
  boss.on('error', () => void (failures += 1));

  async function handle(job: BossJob<Envelope>) {
    if (failures > 0) log.info({ failures }, 'queue available again');
    failures = 0;
    inFlight.add(job.id);
    try {
      await run({ id: job.id, type: job.data.type, payload: job.data.payload, attempt: job.retryCount + 1 });
      return [{ id: job.id, status: 'completed' as const }];
    } catch (err) {
      // pg-boss fails a job for good, skipping its retries, when the handler says 'deadletter'.
      if (err instanceof PermanentJobError) return [{ id: job.id, status: 'deadletter' as const, output: { message: errorText(err) } }];
      throw err instanceof Error ? err : new Error(errorText(err));
    } finally {
      inFlight.delete(job.id);
    }
  }
  let run: RunJob = () => Promise.reject(new Error('not started'));

  return {
    async start(runJob) {
      run = runJob;
      await boss.work<Envelope>(
        settings.queue,
        {
          localConcurrency: concurrency, // R2.5: that many pg-boss workers, one job each
          batchSize: 1,
          perJobResults: true,
          pollingIntervalSeconds: Math.max(0.5, pollIntervalMs / 1000),
        },
        async ([job]) => (job ? handle(job) : []),
      );
    },
    async drain() {
      await boss.offWork(settings.queue, { wait: true }); // no new jobs; waits for the ones in flight
    },
    async release() {
      const ids = [...inFlight];
      if (ids.length === 0) return;
      // pg-boss's restore: active -> created, started_on cleared, so the next claim is not a retry.
      await boss.getDb().executeSql(
        `UPDATE "${settings.schema}".job SET state = 'created', started_on = NULL, heartbeat_on = NULL
         WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
        [settings.queue, ids],
      );
      for (const id of ids) log.warn({ jobId: id }, 'job released back to the queue');
    },
    async close() {
      await boss.stop({ graceful: false, close: true });
    },
  };
}
