import { Queue, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { errorText, PermanentJobError, type NewJob, type RunJob } from '../jobs/job.js';
import type { JobSource } from './queue.js';

// The Redis source, on BullMQ: BullMQ's Worker runs the claim loop (a blocking pop, at most
// `concurrency` jobs at once), renews each job's lock while it runs, and its stalled-job check
// gives the job of a killed worker to another one once the lock expires. This file only wires its
// lifecycle to src/main.ts: start after startup, close() on the signal (no new jobs, in-flight ones
// finish and are acknowledged), and, past the shutdown timeout, job.moveToWait() for the jobs still
// running, so they are due again at once instead of after the lock and the stalled check.

export interface RedisSettings {
  url: string;
  /** BullMQ key prefix: the keys are `<prefix>:<queue>:*`. */
  prefix: string;
  queue: string;
  /** How long a running job's lock lasts without renewal (a killed worker's job waits this long). */
  lockDurationMs: number;
  /** How often a worker looks for jobs whose lock expired. */
  stalledIntervalMs: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * One ioredis connection per process (R3.1). BullMQ needs `maxRetriesPerRequest: null` on a worker's
 * connection: a command waits for the reconnect instead of failing. While Redis is unreachable,
 * ioredis reconnects after growing delays capped at `backoffMaxMs`.
 */
export function createConnection(url: string, options: { log: Logger; backoffBaseMs: number; backoffMaxMs: number }): Redis {
  const { log, backoffBaseMs, backoffMaxMs } = options;
  let failures = 0;
  const connection = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: 5_000, // R2.2: every wait is bounded, also when the server does not answer
    retryStrategy: (times) => Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(16, times - 1)),
  });
  connection.on('error', (err: Error) => log.debug({ err }, 'redis connection error'));
  connection.on('reconnecting', (retryInMs: number) => {
    failures += 1;
    log.error({ retryInMs, failures }, 'queue unavailable, backing off');
  });
  connection.on('ready', () => {
    if (failures > 0) log.info({ failures }, 'queue available again');
    failures = 0;
  });
  return connection;
}

/** Connects, or rejects as soon as `signal` aborts (a SIGTERM during startup). */
export async function connect(connection: Redis, signal: AbortSignal): Promise<void> {
  const aborted = new Promise<never>((_resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  await Promise.race([connection.connect(), aborted]);
}

/**
 * The producer side: what an API or a cron job calls to add work. BullMQ keeps the retry policy on
 * each job, so it is set here: `maxAttempts` deliveries, capped exponential backoff between them
 * (the worker's backoffStrategy below computes the delays).
 */
export async function addJobs(queue: Queue, jobs: readonly NewJob[], policy: RetryPolicy): Promise<string[]> {
  const added = await queue.addBulk(
    jobs.map(({ type, payload = {} }) => ({
      name: type,
      data: payload,
      opts: { attempts: policy.maxAttempts, backoff: { type: 'capped' } },
    })),
  );
  return added.map((job) => job.id ?? '');
}

export function openQueue(connection: Redis, settings: RedisSettings): Queue {
  return new Queue(settings.queue, { connection, prefix: settings.prefix });
}

/** Capped exponential backoff: base, 2*base, 4*base, ... never above max. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function createRedisSource(options: {
  connection: Redis;
  settings: RedisSettings;
  policy: RetryPolicy;
  concurrency: number;
  log: Logger;
}): JobSource {
  const { connection, settings, policy, concurrency, log } = options;
  const inFlight = new Map<string, { job: BullJob; token: string | undefined }>();
  let worker: Worker | undefined;
  let draining = false;

  return {
    start(run: RunJob) {
      worker = new Worker(
        settings.queue,
        async (job: BullJob, token?: string) => {
          const id = job.id ?? '';
          inFlight.set(id, { job, token });
          try {
            // attemptsStarted also counts a delivery after a killed worker's lock expired
            await run({ id, type: job.name, payload: job.data, attempt: Math.max(job.attemptsStarted, job.attemptsMade + 1) });
          } catch (err) {
            // BullMQ dead-letters at once (no retry) only for its own UnrecoverableError.
            if (err instanceof PermanentJobError) throw new UnrecoverableError(errorText(err));
            throw err instanceof Error ? err : new Error(errorText(err));
          } finally {
            inFlight.delete(id);
          }
        },
        {
          connection,
          prefix: settings.prefix,
          concurrency, // R2.5
          autorun: true,
          lockDuration: settings.lockDurationMs,
          stalledInterval: settings.stalledIntervalMs,
          // A job whose worker was killed is redelivered up to this often before it fails.
          maxStalledCount: policy.maxAttempts,
          removeOnComplete: { count: 10_000 }, // failed jobs are kept: they are the dead letters
          settings: { backoffStrategy: (attemptsMade) => backoffMs(attemptsMade, policy.retryBaseMs, policy.retryMaxMs) },
        },
      );
      worker.on('error', (err) => log.debug({ err }, 'bullmq worker error'));
      worker.on('completed', (job) => log.info({ jobId: job.id, type: job.name }, 'job acked'));
      worker.on('failed', (job, err) => {
        if (job) log.info({ jobId: job.id, type: job.name, error: err.message }, 'job outcome recorded');
      });
      return worker.waitUntilReady().then(() => undefined);
    },
    async drain() {
      draining = true;
      await worker?.close(); // no new jobs; resolves once the jobs in flight have finished
    },
    async release() {
      await Promise.all(
        [...inFlight.values()].map(async ({ job, token }) => {
          await job.moveToWait(token); // due at once; attemptsMade is unchanged
          log.warn({ jobId: job.id, type: job.name }, 'job released back to the queue');
        }),
      );
    },
    async close() {
      // After a drain that timed out, its close() still waits for the released jobs: do not join it.
      if (!draining) await worker?.close(true);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
