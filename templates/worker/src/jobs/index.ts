import type { Piscina } from 'piscina';
import type { JobHandler } from '../loop.js';
import type { Mailer } from '../mailer.js';
import { emailSend } from './email-send.js';
import { flaky } from './flaky.js';
import { reportRender } from './report-render.js';

export const JOB_TYPES = ['email.send', 'report.render', 'flaky'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** What the handlers use: resources opened once by src/main.ts (R3.1), never per job. */
export interface HandlerDeps {
  mailer: Mailer;
  mailTimeoutMs: number;
  cpuPool: Piscina;
}

/** The handler of each job type. A new job type is one file in src/jobs/ and one line here. */
export function createHandlers(deps: HandlerDeps): Record<JobType, JobHandler> {
  return {
    'email.send': emailSend(deps),
    'report.render': reportRender(deps),
    flaky: flaky(),
  };
}
