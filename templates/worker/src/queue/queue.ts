import type { RunJob } from '../jobs/job.js';

/**
 * What src/main.ts needs from a job source, whoever runs the claim loop: the source's library
 * (pg-boss, BullMQ) or this project (the in-memory queue, src/queue/loop.ts). Delivery is
 * at-least-once: a job whose worker dies before it is acknowledged is delivered again.
 */
export interface JobSource {
  /** Starts claiming jobs and running each with `run`, at most `CONCURRENCY` at a time (R2.5). */
  start(run: RunJob): Promise<void>;
  /**
   * R4.6: stops claiming, then resolves once every job in flight has finished and its outcome is
   * recorded (drained, not aborted).
   */
  drain(): Promise<void>;
  /**
   * For the shutdown timeout (R4.6): gives every job still in flight back to the queue, due at once
   * (not after a lease) and not counted as an attempt.
   */
  release(): Promise<void>;
  /** Frees the connections; called once, last. */
  close(): Promise<void>;
}
