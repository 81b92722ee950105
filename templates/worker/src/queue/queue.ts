/**
 * The one interface every job source implements. The loop (src/loop.ts) only talks to this, so a
 * new source (Redis, SQS, ...) is one file: implement these five methods, then return it from
 * `openQueue` in src/queue/source.ts.
 *
 * Delivery is at-least-once: a job whose worker dies before `ack` is delivered again, so job
 * handlers must be idempotent (R4.6).
 */

/** A job as the worker holds it, between `claim` and `ack`/`fail`/`release`. */
export interface Job {
  readonly id: string;
  readonly type: string;
  /** JSON data; each handler validates its own. */
  readonly payload: unknown;
  /** 1 on the first delivery; one more for every later claim (a retry or a redelivery). */
  readonly attempt: number;
  /** Identifies this claim. A source ignores ack/fail/release of a claim that is no longer current. */
  readonly leaseId: string;
}

/** A job to enqueue. */
export interface NewJob {
  readonly type: string;
  readonly payload?: unknown;
}

/** What happens to a failed job: due again after a delay, or moved aside with its error. */
export type FailOutcome = { readonly retryInMs: number } | { readonly deadLetter: true };

export interface JobQueue {
  /** Leases the next due job to this worker, or resolves undefined when none is due. */
  claim(): Promise<Job | undefined>;
  /** The job is done: remove it. Resolves false when the lease was lost meanwhile (see Job.leaseId). */
  ack(job: Job): Promise<boolean>;
  /** The job failed with `error`: schedule a retry, or dead-letter it (kept, never dropped silently). */
  fail(job: Job, error: string, outcome: FailOutcome): Promise<void>;
  /** The job was not processed (shutdown timeout): due again at once, and this claim is not an attempt. */
  release(job: Job): Promise<void>;
  /** Frees the source's resources; called once, after the loop has returned. */
  close(): Promise<void>;
}
