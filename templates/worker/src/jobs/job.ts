import { tracingChannel } from 'node:diagnostics_channel';
import type { Logger } from 'pino';

/**
 * Every job run is traced on this channel with its id, type and attempt: the OpenTelemetry
 * preload (--telemetry otel) turns each into a span. Without a subscriber it costs nothing.
 */
const jobChannel = tracingChannel<{ id: string; type: string; attempt: number }>('loopsvc:job');

/** A job as a handler sees it: the same on every source. */
export interface Job {
  readonly id: string;
  readonly type: string;
  /** JSON data; each handler validates its own. */
  readonly payload: unknown;
  /** 1 on the first delivery; one more for every retry or redelivery after a crash. */
  readonly attempt: number;
}

/** A job to enqueue. */
export interface NewJob {
  readonly type: string;
  readonly payload?: unknown;
}

/**
 * Runs one job; `log` carries the job's id, type and attempt. Resolve = done (acknowledged);
 * reject = failed (retried with backoff, then dead-lettered). At-least-once: a handler may see a
 * job again, so make it idempotent (R4.6).
 */
export type JobHandler = (job: Job, log: Logger) => Promise<void>;

/** Thrown by a handler for a job that can never succeed (bad payload): dead-lettered at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Runs a job with the handler of its type; the source records the outcome. */
export type RunJob = (job: Job) => Promise<void>;

/** The text stored with a failed or dead-lettered job. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * One function for every source: finds the handler of the job's type and runs it, logging the
 * claim and the outcome. A Map, not a plain object: a job of type "toString" or "__proto__" must
 * find no handler (and be dead-lettered), not a method of Object.prototype.
 */
export function createJobRunner(options: {
  handlers: Readonly<Record<string, JobHandler>>;
  log: Logger;
  maxAttempts: number;
}): RunJob {
  const handlers = new Map(Object.entries(options.handlers));
  const { log, maxAttempts } = options;
  const run: RunJob = async (job) => {
    const jobLog = log.child({ jobId: job.id, type: job.type, attempt: job.attempt });
    jobLog.info('job claimed');
    const startedAt = performance.now();
    try {
      const handler = handlers.get(job.type);
      if (!handler) throw new PermanentJobError(`no handler for job type ${JSON.stringify(job.type)}`);
      await handler(job, jobLog);
    } catch (err) {
      const ms = Math.round(performance.now() - startedAt);
      const final = err instanceof PermanentJobError || job.attempt >= maxAttempts;
      if (final) jobLog.error({ err, ms }, 'job dead-lettered');
      else jobLog.warn({ err, ms }, 'job failed, retrying');
      throw err;
    }
    jobLog.info({ ms: Math.round(performance.now() - startedAt) }, 'job done');
  };
  return (job) => jobChannel.tracePromise(run, { id: job.id, type: job.type, attempt: job.attempt }, undefined, job);
}
