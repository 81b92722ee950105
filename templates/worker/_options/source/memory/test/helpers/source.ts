import type { NewJob } from '../../src/jobs/job.js';
import type { LogLine } from './service.js';

// How the shared tests (test/lifecycle.test.ts) drive this project's job source. The in-memory
// queue lives inside the worker process, so the jobs go in through EXAMPLE_JOBS and the outcome is
// read from the worker's own JSON log lines: 'job claimed'/'job acked' per job, and the queue's
// close line listing what was still queued ('lost') and what was dead-lettered.

/** The in-memory source needs nothing, so its tests always run. */
export const SKIP_REASON: string | undefined = undefined;

/** The queue lives in one process: no other process can share it or pick up a killed one's jobs. */
export const SHARED = false;

/** Source variables that make loadConfig succeed. */
export const MINIMAL_ENV: Record<string, string> = { EXAMPLE_JOBS: '[]' };

/** The retry policy a test asks for; the worker gets it through `env`. */
export interface Policy {
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface TestQueue {
  /** Variables that point a worker at this queue (here: the jobs themselves) and its policy. */
  env: Record<string, string>;
  /** Ids of the jobs, in enqueue order. */
  ids: string[];
  /** Ids still queued once the worker has exited. */
  queuedAfterExit(logs: readonly LogLine[]): Promise<string[]>;
  /** Dead-lettered jobs and their errors, once the worker has exited. */
  deadLetters(logs: readonly LogLine[]): Promise<Array<{ id: string; error: string }>>;
  /** Ids of the completed jobs, once the worker has exited. */
  completed(logs: readonly LogLine[]): Promise<string[]>;
  close(): Promise<void>;
}

function closeLine(logs: readonly LogLine[]): { lost: string[]; deadLettered: string[] } {
  const line = logs.find((l) => l.msg === 'in-memory queue closed');
  if (!line) throw new Error(`the worker did not log 'in-memory queue closed'; logs: ${JSON.stringify(logs.slice(-10))}`);
  return line as unknown as { lost: string[]; deadLettered: string[] };
}

export function policyEnv(policy: Policy): Record<string, string> {
  const env: Record<string, string> = {};
  if (policy.maxAttempts !== undefined) env.MAX_ATTEMPTS = String(policy.maxAttempts);
  if (policy.retryBaseMs !== undefined) env.RETRY_BASE_MS = String(policy.retryBaseMs);
  if (policy.retryMaxMs !== undefined) env.RETRY_MAX_MS = String(policy.retryMaxMs);
  return env;
}

export function createTestQueue(jobs: NewJob[], policy: Policy = {}): Promise<TestQueue> {
  return Promise.resolve({
    env: { EXAMPLE_JOBS: JSON.stringify(jobs), ...policyEnv(policy) },
    ids: jobs.map((_job, i) => String(i + 1)), // MemoryQueue numbers jobs from 1 in enqueue order
    queuedAfterExit: (logs) => Promise.resolve(closeLine(logs).lost),
    deadLetters: (logs) =>
      Promise.resolve(
        closeLine(logs).deadLettered.map((id) => {
          const line = logs.find((l) => l.msg === 'job dead-lettered' && l.jobId === id);
          return { id, error: (line?.err as { message?: string } | undefined)?.message ?? '' };
        }),
      ),
    completed: (logs) => Promise.resolve(logs.filter((l) => l.msg === 'job acked').map((l) => l.jobId ?? '')),
    close: () => Promise.resolve(),
  });
}
