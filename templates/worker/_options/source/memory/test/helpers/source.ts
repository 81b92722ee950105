import type { NewJob } from '../../src/queue/queue.js';
import type { LogLine } from './service.js';

// How the shared tests (test/lifecycle.test.ts) drive this project's job source. The in-memory
// queue lives inside the worker process, so the jobs go in through EXAMPLE_JOBS and the outcome is
// read from the worker's own JSON log lines: 'job claimed'/'job acked' per job, and the queue's
// close line listing what was still queued ('lost') and what was dead-lettered.

/** The in-memory source needs nothing, so its tests always run. */
export const SKIP_REASON: string | undefined = undefined;

/** Source variables that make loadConfig succeed. */
export const MINIMAL_ENV: Record<string, string> = { EXAMPLE_JOBS: '[]' };

export interface TestQueue {
  /** Variables that point a worker at this queue (here: the jobs themselves). */
  env: Record<string, string>;
  /** Ids of the jobs, in enqueue order. */
  ids: string[];
  /** Ids still queued once the worker has exited. */
  queuedAfterExit(logs: readonly LogLine[]): Promise<string[]>;
  /** Dead-lettered jobs and their errors, once the worker has exited. */
  deadLetters(logs: readonly LogLine[]): Promise<Array<{ id: string; error: string }>>;
  close(): Promise<void>;
}

function closeLine(logs: readonly LogLine[]): { lost: string[]; deadLettered: string[] } {
  const line = logs.find((l) => l.msg === 'in-memory queue closed');
  if (!line) throw new Error(`the worker did not log 'in-memory queue closed'; logs: ${JSON.stringify(logs.slice(-10))}`);
  return line as unknown as { lost: string[]; deadLettered: string[] };
}

export function createTestQueue(jobs: NewJob[]): Promise<TestQueue> {
  return Promise.resolve({
    env: { EXAMPLE_JOBS: JSON.stringify(jobs) },
    ids: jobs.map((_job, i) => String(i + 1)), // MemoryQueue numbers jobs from 1 in enqueue order
    queuedAfterExit: (logs) => Promise.resolve(closeLine(logs).lost),
    deadLetters: (logs) =>
      Promise.resolve(
        closeLine(logs).deadLettered.map((id) => {
          const line = logs.find((l) => l.msg === 'job dead-lettered' && l.jobId === id);
          return { id, error: (line?.err as { message?: string } | undefined)?.message ?? '' };
        }),
      ),
    close: () => Promise.resolve(),
  });
}
