import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { JOB_TYPES } from '../jobs/index.js';
import type { NewJob } from '../jobs/job.js';
import { createJobLoop, type JobLoop } from './loop.js';
import { MemoryQueue } from './memory.js';
import type { JobSource } from './queue.js';

// The job source this project was generated with: the in-memory queue. Zero setup, so `npm run dev`
// works on a fresh machine; jobs live and die with the process. To use another source, implement
// JobSource (src/queue/queue.ts) and return it from openSource below.

export const SOURCE = 'memory';

/** What `npm run dev` processes when EXAMPLE_JOBS is not set: one job of each kind (and a few emails). */
const DEFAULT_EXAMPLE_JOBS = [
  { type: 'email.send', payload: { to: 'ada@example.com', subject: 'Welcome aboard' }, count: 3 },
  { type: 'report.render', payload: { rows: 200_000 } },
  { type: 'flaky', payload: { failTimes: 2 } },
];

/** This source's environment variables, merged into the schema of src/config.ts. */
export const sourceEnvSchema = {
  required: [] as string[],
  properties: {
    EXAMPLE_JOBS: { type: 'string', default: JSON.stringify(DEFAULT_EXAMPLE_JOBS) },
  },
};

export interface SourceEnv {
  EXAMPLE_JOBS: string;
}

export interface SourceConfig {
  /** Enqueued at startup: a way to feed the worker in development without writing a producer. */
  exampleJobs: NewJob[];
}

const MAX_EXAMPLE_JOBS = 10_000;

/**
 * EXAMPLE_JOBS is a JSON array of {"type": "...", "payload": {...}, "count": 1}; `[]` for none.
 * Throws an Error naming the variable (src/config.ts makes it a one-line ConfigError).
 */
export function sourceConfig(env: SourceEnv): SourceConfig {
  const invalid = (why: string) =>
    new Error(`EXAMPLE_JOBS ${why}, e.g. [{"type":"email.send","payload":{"to":"a@example.com","subject":"Hi"},"count":2}]`);
  let entries: unknown;
  try {
    entries = JSON.parse(env.EXAMPLE_JOBS);
  } catch {
    throw invalid('must be a JSON array');
  }
  if (!Array.isArray(entries)) throw invalid('must be a JSON array');
  const jobs: NewJob[] = [];
  for (const entry of entries as unknown[]) {
    const { type, payload = {}, count = 1 } = (entry ?? {}) as { type?: unknown; payload?: unknown; count?: unknown };
    if (typeof type !== 'string' || !(JOB_TYPES as readonly string[]).includes(type)) {
      throw invalid(`has an unknown job type ${JSON.stringify(type)} (known: ${JOB_TYPES.join(', ')})`);
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || jobs.length + count > MAX_EXAMPLE_JOBS) {
      throw invalid(`needs counts that are positive integers, at most ${MAX_EXAMPLE_JOBS} jobs in all`);
    }
    for (let i = 0; i < count; i += 1) jobs.push({ type, payload });
  }
  return { exampleJobs: jobs };
}

/**
 * The in-memory queue with its claim loop (./loop.ts). Nothing to connect to, so `signal` has
 * nothing to abort here.
 */
export function openSource(config: Config, options: { log: Logger; signal: AbortSignal }): Promise<JobSource> {
  const { log } = options;
  const queue = new MemoryQueue({ log });
  const ids = queue.enqueue(config.source.exampleJobs);
  if (ids.length > 0) log.info({ count: ids.length }, 'example jobs enqueued (EXAMPLE_JOBS)');
  const claiming = new AbortController();
  let loop: JobLoop | undefined;
  let running: Promise<void> = Promise.resolve();
  return Promise.resolve({
    start: (run) => {
      loop = createJobLoop({ queue, run, log, ...config });
      running = loop.run(claiming.signal);
      return Promise.resolve();
    },
    drain: () => {
      claiming.abort();
      return running;
    },
    release: async () => {
      await loop?.releaseInFlight();
    },
    close: () => queue.close(),
  });
}
