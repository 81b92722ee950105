import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { errorText, PermanentJobError, type Job, type RunJob } from '../jobs/job.js';

// The claim loop of the in-memory source. pg-boss and BullMQ run their own; this queue has no
// library, so the loop is written here: claim while a slot is free, sleep while idle (cut short by
// the shutdown signal), record each outcome, back off while the queue fails.

/** A claimed job: `leaseId` identifies this claim, so a stale ack of an older claim is ignored. */
export interface Claimed extends Job {
  readonly leaseId: string;
}

/** What happens to a failed job: due again after a delay, or moved aside with its error. */
export type FailOutcome = { readonly retryInMs: number } | { readonly deadLetter: true };

/** The queue side of the loop (src/queue/memory.ts implements it). */
export interface ClaimQueue {
  /** Leases the next due job to this worker, or resolves undefined when none is due. */
  claim(): Promise<Claimed | undefined>;
  /** The job is done: remove it. Resolves false when the lease was lost meanwhile. */
  ack(job: Claimed): Promise<boolean>;
  /** The job failed with `error`: schedule a retry, or dead-letter it (kept, never dropped). */
  fail(job: Claimed, error: string, outcome: FailOutcome): Promise<void>;
  /** The job was not processed (shutdown timeout): due again at once, and the claim is not an attempt. */
  release(job: Claimed): Promise<void>;
}

export interface LoopOptions {
  queue: ClaimQueue;
  run: RunJob;
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
  /** Claims and runs jobs until `signal` aborts, then resolves once the jobs in flight are recorded. */
  run(signal: AbortSignal): Promise<void>;
  /** Gives every job still in flight back to the queue and stops recording their outcomes. */
  releaseInFlight(): Promise<void>;
}

/**
 * Capped exponential backoff: base, 2*base, 4*base, ... never above max. Deterministic, so the tests
 * can check it.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** R2.1: an idle wait that the shutdown signal cuts short. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

export function createJobLoop(options: LoopOptions): JobLoop {
  const { queue, run: runJob, log, concurrency, pollIntervalMs, maxAttempts, retryBaseMs, retryMaxMs, queueBackoffMaxMs } = options;
  const inFlight = new Map<string, { job: Claimed; done: Promise<void> }>();
  let released = false;

  /** Runs one job and records its outcome. Never rejects. */
  async function processJob(job: Claimed): Promise<void> {
    let error: unknown;
    try {
      await runJob(job);
    } catch (err) {
      error = err ?? new Error('job failed');
    }
    if (released) return; // the shutdown timeout gave this job back to the queue already
    const jobLog = log.child({ jobId: job.id, type: job.type, attempt: job.attempt });
    if (error === undefined) {
      if (await queue.ack(job)) jobLog.info('job acked');
      else jobLog.warn('lease lost before the ack: the job will be delivered again');
    } else if (error instanceof PermanentJobError || job.attempt >= maxAttempts) {
      await queue.fail(job, errorText(error), { deadLetter: true });
    } else {
      const retryInMs = backoffMs(job.attempt, retryBaseMs, retryMaxMs);
      await queue.fail(job, errorText(error), { retryInMs });
      jobLog.info({ retryInMs }, 'job retry scheduled');
    }
  }

  /** Due again at once, and this claim does not count as an attempt (R4.6). */
  async function giveBack(job: Claimed): Promise<void> {
    await queue.release(job);
    log.warn({ jobId: job.id, type: job.type }, 'job released back to the queue');
  }

  async function run(signal: AbortSignal): Promise<void> {
    let queueFailures = 0;
    // Sequential on purpose (R4.6): it claims one job at a time and only while a slot is free; the
    // jobs themselves run concurrently, up to `concurrency`.
    while (!signal.aborted) {
      if (inFlight.size >= concurrency) {
        await Promise.race([...inFlight.values()].map((f) => f.done)); // wait for a free slot
        continue;
      }
      let job: Claimed | undefined;
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
        const claimed = job;
        const done = processJob(claimed).finally(() => inFlight.delete(claimed.id));
        inFlight.set(claimed.id, { job: claimed, done });
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
