import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { NewJob } from '../jobs/job.js';
import type { Claimed, ClaimQueue, FailOutcome } from './loop.js';

interface Stored {
  id: string;
  type: string;
  payload: unknown;
  /** claims so far */
  attempts: number;
  /** epoch ms from which the job may be claimed */
  dueAt: number;
  leaseId?: string;
}

/**
 * A queue that lives in this process: zero setup, for development and tests. Jobs still queued
 * when the process exits are lost (the close log lists them); use the PostgreSQL source when jobs
 * must survive a restart or be shared by several worker processes.
 */
export class MemoryQueue implements ClaimQueue {
  readonly #log: Logger;
  readonly #jobs = new Map<string, Stored>(); // queued or leased, in enqueue order
  readonly #deadLetters: Array<{ id: string; type: string; error: string }> = [];
  #lastId = 0;

  constructor(options: { log: Logger }) {
    this.#log = options.log;
  }

  enqueue(jobs: readonly NewJob[]): string[] {
    return jobs.map(({ type, payload = {} }) => {
      this.#lastId += 1;
      const id = String(this.#lastId);
      this.#jobs.set(id, { id, type, payload, attempts: 0, dueAt: Date.now() });
      return id;
    });
  }

  /** Jobs moved aside after their last attempt, with their error. */
  get deadLetters(): ReadonlyArray<{ id: string; type: string; error: string }> {
    return this.#deadLetters;
  }

  claim(): Promise<Claimed | undefined> {
    const now = Date.now();
    let next: Stored | undefined;
    for (const job of this.#jobs.values()) {
      if (job.leaseId === undefined && job.dueAt <= now && (next === undefined || job.dueAt < next.dueAt)) next = job;
    }
    if (!next) return Promise.resolve(undefined);
    next.attempts += 1;
    next.leaseId = randomUUID();
    const { id, type, payload, attempts, leaseId } = next;
    return Promise.resolve({ id, type, payload, attempt: attempts, leaseId });
  }

  ack(job: Claimed): Promise<boolean> {
    const stored = this.#leased(job);
    if (stored) this.#jobs.delete(stored.id);
    return Promise.resolve(stored !== undefined);
  }

  fail(job: Claimed, error: string, outcome: FailOutcome): Promise<void> {
    const stored = this.#leased(job);
    if (!stored) return Promise.resolve();
    stored.leaseId = undefined;
    if ('deadLetter' in outcome) {
      this.#jobs.delete(stored.id);
      this.#deadLetters.push({ id: stored.id, type: stored.type, error });
    } else {
      stored.dueAt = Date.now() + outcome.retryInMs;
    }
    return Promise.resolve();
  }

  release(job: Claimed): Promise<void> {
    const stored = this.#leased(job);
    if (stored) {
      stored.leaseId = undefined;
      stored.attempts -= 1;
      stored.dueAt = Date.now();
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    const lost = [...this.#jobs.keys()];
    const level = lost.length > 0 ? 'warn' : 'info';
    const deadLettered = this.#deadLetters.map((d) => d.id);
    this.#log[level]({ lost, deadLettered }, 'in-memory queue closed'); // lost: still queued, gone with the process
    this.#jobs.clear();
    return Promise.resolve();
  }

  #leased(job: Claimed): Stored | undefined {
    const stored = this.#jobs.get(job.id);
    return stored?.leaseId === job.leaseId ? stored : undefined;
  }
}
