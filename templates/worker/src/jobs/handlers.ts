import type { Piscina } from 'piscina';
import type { JobHandler } from './job.js';
import type { Mailer } from '../mailer.js';
import { JOB_TYPES, JOBS, type JobType } from './index.js';

/** What the handlers use: resources opened once by src/main.ts (R3.1), never per job. */
export interface HandlerDeps {
  mailer: Mailer;
  mailTimeoutMs: number;
  cpuPool: Piscina;
}

/**
 * The handler of each job type listed in src/jobs/index.ts (`create-loopsvc add job <type>` adds
 * one), built once at startup. A job of any other type is dead-lettered by the loop.
 */
export function createHandlers(deps: HandlerDeps): Record<JobType, JobHandler> {
  return Object.fromEntries(JOB_TYPES.map((type) => [type, JOBS[type](deps)])) as Record<JobType, JobHandler>;
}
