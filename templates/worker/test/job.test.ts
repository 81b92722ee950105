import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createJobRunner, PermanentJobError, type JobHandler } from '../src/jobs/job.js';

// The handler lookup every source uses (src/jobs/job.ts).

const log = pino({ level: 'silent' });

function runner(handlers: Record<string, JobHandler>, maxAttempts = 3) {
  return createJobRunner({ handlers, log, maxAttempts });
}

describe('createJobRunner', () => {
  it('runs the handler of the job type', async () => {
    const seen: unknown[] = [];
    const run = runner({ 'email.send': (job) => Promise.resolve(void seen.push(job.payload)) });
    await run({ id: '1', type: 'email.send', payload: { to: 'a@example.com' }, attempt: 1 });
    expect(seen).toEqual([{ to: 'a@example.com' }]);
  });

  it.each(['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__', 'nope'])(
    'a job of type %j has no handler: PermanentJobError, so it is dead-lettered, never acknowledged',
    async (type) => {
      const run = runner({ 'email.send': () => Promise.resolve() });
      const outcome = run({ id: '1', type, payload: {}, attempt: 1 });
      await expect(outcome).rejects.toBeInstanceOf(PermanentJobError);
      await expect(outcome).rejects.toThrow(`no handler for job type ${JSON.stringify(type)}`);
    },
  );

  it('passes a handler failure on, for the source to retry', async () => {
    const run = runner({ broken: () => Promise.reject(new Error('smtp down')) });
    await expect(run({ id: '1', type: 'broken', payload: {}, attempt: 1 })).rejects.toThrow('smtp down');
  });
});
