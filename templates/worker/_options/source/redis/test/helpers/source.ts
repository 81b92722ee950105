import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { NewJob } from '../../src/jobs/job.js';
import { addJobs, openQueue } from '../../src/queue/redis.js';
import type { LogLine } from './service.js';

// How the tests drive this project's job source: a real Redis server, given by REDIS_URL (CI sets
// it). Each test gets its own random key prefix, deleted afterwards, so parallel runs and reruns
// never see each other's jobs.

export const REDIS_URL = process.env.REDIS_URL ?? '';

export const SKIP_REASON: string | undefined = REDIS_URL ? undefined : 'set REDIS_URL=redis://127.0.0.1:6379 to run the Redis tests';

/** Several worker processes share one queue, and a killed one's jobs are redelivered. */
export const SHARED = true;

/** Source variables that make loadConfig succeed (it does not connect). */
export const MINIMAL_ENV: Record<string, string> = { REDIS_URL: 'redis://127.0.0.1:6379' };

/** The retry policy a test asks for; the worker gets it through `env`, the producer sets it per job. */
export interface Policy {
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** BullMQ's lock of a running job: a killed worker's job is redelivered after it. */
  leaseSeconds?: number;
}

export interface TestQueue {
  /** Variables that point a worker at this queue, and its policy. */
  env: Record<string, string>;
  /** Ids of the jobs, in enqueue order. */
  ids: string[];
  /** Ids due at once (waiting) once the workers have exited. */
  queuedAfterExit(logs?: readonly LogLine[]): Promise<string[]>;
  /** Dead-lettered jobs (BullMQ's failed set) and their errors. */
  deadLetters(logs?: readonly LogLine[]): Promise<Array<{ id: string; error: string }>>;
  /** Ids of the completed jobs. */
  completed(logs?: readonly LogLine[]): Promise<string[]>;
  /** Ids held by a worker right now (or by a killed one, until its lock expires). */
  active(): Promise<string[]>;
  enqueue(jobs: NewJob[]): Promise<string[]>;
  close(): Promise<void>;
}

const DEFAULTS = { maxAttempts: 5, retryBaseMs: 1_000, retryMaxMs: 60_000, leaseSeconds: 30 };

export async function createTestQueue(jobs: NewJob[], policy: Policy = {}, options: { url?: string } = {}): Promise<TestQueue> {
  const url = options.url ?? REDIS_URL;
  const full = { ...DEFAULTS, ...policy };
  const prefix = `loopsvc-test-${randomUUID().slice(0, 12)}`;
  const settings = { url, prefix, queue: 'jobs', lockDurationMs: 30_000, stalledIntervalMs: 30_000 };
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined); // during a test's outage: ioredis reconnects by itself
  const queue: Queue = openQueue(connection, settings);
  queue.on('error', () => undefined); // BullMQ prints unhandled errors; an outage is the test's own
  const enqueue = (more: NewJob[]) => addJobs(queue, more, full);
  const ids = await enqueue(jobs);
  const order = (list: string[]) => ids.filter((id) => list.includes(id)).concat(list.filter((id) => !ids.includes(id)));
  const idsOf = async (state: 'wait' | 'completed' | 'active') => order((await queue.getJobs([state], 0, -1)).map((j) => j.id ?? ''));
  return {
    env: {
      REDIS_URL: url,
      QUEUE_PREFIX: prefix,
      MAX_ATTEMPTS: String(full.maxAttempts),
      RETRY_BASE_MS: String(full.retryBaseMs),
      RETRY_MAX_MS: String(full.retryMaxMs),
      LOCK_DURATION_MS: String(full.leaseSeconds * 1000),
      STALLED_INTERVAL_MS: String(Math.max(1_000, (full.leaseSeconds * 1000) / 2)),
    },
    ids,
    queuedAfterExit: () => idsOf('wait'),
    deadLetters: async () => (await queue.getJobs(['failed'], 0, -1)).map((j) => ({ id: j.id ?? '', error: j.failedReason })),
    completed: () => idsOf('completed'),
    active: () => idsOf('active'),
    enqueue,
    close: async () => {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await connection.quit();
    },
  };
}

/** The variable that points the worker at the server. */
export const URL_VARIABLE = 'REDIS_URL';
