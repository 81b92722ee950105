import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Job, JobQueue } from './queue/queue.js';

/**
 * Runs one job; `log` carries the job's id, type and attempt. Resolve = done (acked); reject =
 * failed (retried with backoff, then dead-lettered). At-least-once: a handler may see a job again.
 */
export type JobHandler = (job: Job, log: Logger) => Promise<void>;

/** Thrown by a handler for a job that can never succeed (bad payload): dead-lettered at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface LoopOptions {
  queue: JobQueue;
  handlers: Readonly<Record<string, JobHandler>>;
  log: Logger;
  /** Jobs processed at the same time (R2.5: bounded, never one promise per queued job). */
  concurrency: number;
  /** Idle wait between polls of an empty queue. */
  pollIntervalMs: number;
  /** Deliveries of a job before it is dead-lettered. */
  maxAttempts: number;
  /** Retry delay after the first failure; doubles per attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Cap of the wait between attempts to reach a failing queue (starts at pollIntervalMs). */
  queueBackoffMaxMs: number;
}

export interface JobLoop {
  /**
   * Claims and runs jobs until `signal` aborts, then stops claiming and resolves once the jobs in
   * flight have finished and been acknowledged (R4.6: drained, not aborted). Never rejects.
   */
  run(signal: AbortSignal): Promise<void>;
  /**
   * For the shutdown timeout (R4.6): gives every job still in flight back to the queue, so it is
   * retried at once instead of after its lease, and stops acknowledging them.
   */
  releaseInFlight(): Promise<void>;
}

/**
 * Capped exponential backoff: base, 2*base, 4*base, ... never above max. Deterministic, so the tests
 * can check it; with many workers on one database, adding random jitter spreads their retries.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** R2.1: an idle wait that the shutdown signal cuts short (the `await asyncio.sleep` of the seed). */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function createJobLoop(options: LoopOptions): JobLoop {
  const { queue, handlers, log, concurrency, pollIntervalMs, maxAttempts, retryBaseMs, retryMaxMs, queueBackoffMaxMs } = options;
  const inFlight = new Map<string, { job: Job; done: Promise<void> }>();
  let released = false;

  /** Runs one job and records its outcome. Never rejects: a failure is the queue's business. */
  async function processJob(job: Job): Promise<void> {
    const jobLog = log.child({ jobId: job.id, type: job.type, attempt: job.attempt });
    const startedAt = performance.now();
    let error: unknown;
    try {
      if (job.attempt > maxAttempts) {
        // Claimed again and again without an outcome: its workers crashed or overran the lease.
        throw new PermanentJobError(`delivered ${job.attempt} times without an outcome (worker crashed or lease too short)`);
      }
      const handler = handlers[job.type];
      if (!handler) throw new PermanentJobError(`no handler for job type ${JSON.stringify(job.type)}`);
      await handler(job, jobLog);
    } catch (err) {
      error = err ?? new Error('job failed');
    }
    if (released) return; // the shutdown timeout gave this job back to the queue already
    const ms = Math.round(performance.now() - startedAt);
    try {
      if (error === undefined) {
        if (await queue.ack(job)) jobLog.info({ ms }, 'job acked');
        else jobLog.warn({ ms }, 'lease lost before the ack: the job will be delivered again');
      } else if (error instanceof PermanentJobError || job.attempt >= maxAttempts) {
        await queue.fail(job, message(error), { deadLetter: true });
        jobLog.error({ err: error, ms }, 'job dead-lettered');
      } else {
        const retryInMs = backoffMs(job.attempt, retryBaseMs, retryMaxMs);
        await queue.fail(job, message(error), { retryInMs });
        jobLog.warn({ err: error, ms, retryInMs }, 'job failed, retrying');
      }
    } catch (err) {
      // The queue is down: the lease runs out and the job is delivered again (at-least-once).
      jobLog.error({ err }, 'could not record the outcome of the job; it will be delivered again');
    }
  }

  /** Due again at once, and this claim does not count as an attempt (R4.6). */
  async function giveBack(job: Job): Promise<void> {
    try {
      await queue.release(job);
      log.warn({ jobId: job.id, type: job.type }, 'job released back to the queue');
    } catch (err) {
      log.error({ err, jobId: job.id }, 'could not release the job; it will be delivered again after its lease');
    }
  }

  function start(job: Job): void {
    log.info({ jobId: job.id, type: job.type, attempt: job.attempt }, 'job claimed');
    const done = processJob(job).finally(() => inFlight.delete(job.id));
    inFlight.set(job.id, { job, done });
  }

  async function run(signal: AbortSignal): Promise<void> {
    let queueFailures = 0;
    // Sequential on purpose (R4.6): it claims one job at a time and only while a slot is free;
    // the jobs themselves run concurrently, up to `concurrency`.
    while (!signal.aborted) {
      if (inFlight.size >= concurrency) {
        await Promise.race([...inFlight.values()].map((f) => f.done)); // wait for a free slot
        continue;
      }
      let job: Job | undefined;
      try {
        job = await queue.claim();
      } catch (err) {
        queueFailures += 1;
        const retryInMs = backoffMs(queueFailures, pollIntervalMs, queueBackoffMaxMs);
        log.error({ err, retryInMs }, 'queue unavailable, backing off');
        await pause(retryInMs, signal);
        continue;
      }
      if (queueFailures > 0) {
        log.info({ failures: queueFailures }, 'queue available again');
        queueFailures = 0;
      }
      if (!job) {
        await pause(pollIntervalMs, signal); // idle: SIGTERM ends this wait at once
      } else if (signal.aborted) {
        await giveBack(job); // claimed while the signal arrived: not started, so not kept
      } else {
        start(job);
      }
    }
    log.info({ inFlight: inFlight.size }, 'stopped claiming, draining in-flight jobs');
    await Promise.all([...inFlight.values()].map((f) => f.done));
  }

  async function releaseInFlight(): Promise<void> {
    released = true; // outcomes of these jobs are no longer recorded: the queue has them back
    await Promise.all([...inFlight.values()].map(({ job }) => giveBack(job)));
  }

  return { run, releaseInFlight };
}
