import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createJobRunner, PermanentJobError, type JobHandler } from '../src/jobs/job.js';
import { backoffMs, createJobLoop, type ClaimQueue, type LoopOptions } from '../src/queue/loop.js';
import { MemoryQueue } from '../src/queue/memory.js';
import type { LogLine } from './helpers/service.js';

// The job loop in-process, on the in-memory queue: fast, exact checks of its rules. The same rules
// are checked again on the built worker, with real signals, in test/lifecycle.test.ts.

function capture() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (text: string) => lines.push(JSON.parse(text) as LogLine) });
  return { log, lines, msgs: (msg: string) => lines.filter((l) => l.msg === msg) };
}

function setup(handlers: Record<string, JobHandler>, overrides: Partial<LoopOptions> = {}, wrap?: (queue: MemoryQueue) => ClaimQueue) {
  const logs = capture();
  const queue = new MemoryQueue({ log: logs.log });
  const loop = createJobLoop({
    queue: wrap ? wrap(queue) : queue,
    run: createJobRunner({ handlers, log: logs.log, maxAttempts: overrides.maxAttempts ?? 3 }),
    log: logs.log,
    concurrency: 2,
    pollIntervalMs: 10,
    maxAttempts: 3,
    retryBaseMs: 10,
    retryMaxMs: 25,
    queueBackoffMaxMs: 40,
    ...overrides,
  });
  return { queue, loop, logs };
}

/** Polls `condition` every 5 ms for up to 20 s (generous: loaded 2-core machines). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 20 s');
    await sleep(5);
  }
}

describe('backoffMs', () => {
  it('doubles from the base and stays at the cap', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffMs(attempt, 100, 500))).toEqual([100, 200, 400, 500, 500]);
  });
});

describe('the job loop', () => {
  it('runs at most `concurrency` jobs at once and acks every job once (R2.5)', async () => {
    let running = 0;
    let most = 0;
    const { queue, loop, logs } = setup(
      {
        work: async () => {
          running += 1;
          most = Math.max(most, running);
          await sleep(20);
          running -= 1;
        },
      },
      { concurrency: 3 },
    );
    const ids = queue.enqueue(Array.from({ length: 10 }, () => ({ type: 'work' })));
    const stop = new AbortController();
    const done = loop.run(stop.signal);
    await until(() => logs.msgs('job acked').length === 10);
    stop.abort();
    await done;
    expect(most).toBe(3);
    expect(logs.msgs('job acked').map((l) => l.jobId).sort()).toEqual([...ids].sort());
  });

  it('an abort while idle returns at once, not after the poll interval (R2.1)', async () => {
    // a 10-minute idle wait: if the abort did not cut it short, the test would time out
    const { loop, logs } = setup({}, { pollIntervalMs: 600_000 });
    const stop = new AbortController();
    const done = loop.run(stop.signal);
    await sleep(50);
    stop.abort();
    await done;
    expect(logs.msgs('stopped claiming, draining in-flight jobs')).toHaveLength(1);
  });

  it('an abort mid-job lets the job finish and be acked, and claims nothing more (R4.6)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { queue, loop, logs } = setup({ slow: () => gate }, { concurrency: 1 });
    const [first] = queue.enqueue([{ type: 'slow' }, { type: 'slow' }]);
    const stop = new AbortController();
    const done = loop.run(stop.signal);
    await until(() => logs.msgs('job claimed').length === 1);
    stop.abort();
    await sleep(50);
    release();
    await done;
    expect(logs.msgs('job claimed').map((l) => l.jobId)).toEqual([first]);
    expect(logs.msgs('job acked').map((l) => l.jobId)).toEqual([first]);
  });

  it('retries a failing job with capped backoff, then dead-letters it with its error', async () => {
    const { queue, loop, logs } = setup({ broken: () => Promise.reject(new Error('smtp down')) }, { maxAttempts: 4 });
    const [id] = queue.enqueue([{ type: 'broken' }]);
    const stop = new AbortController();
    const done = loop.run(stop.signal);
    await until(() => logs.msgs('job dead-lettered').length === 1);
    stop.abort();
    await done;
    expect(logs.msgs('job retry scheduled').map((l) => l.retryInMs)).toEqual([10, 20, 25]);
    expect(queue.deadLetters).toEqual([{ id, type: 'broken', error: 'Error: smtp down' }]);
  });

  it('dead-letters at once a job that can never succeed: PermanentJobError or an unknown type', async () => {
    const { queue, loop, logs } = setup({ strict: () => Promise.reject(new PermanentJobError('payload.to is missing')) });
    queue.enqueue([{ type: 'strict' }, { type: 'nope' }]);
    const stop = new AbortController();
    const done = loop.run(stop.signal);
    await until(() => logs.msgs('job dead-lettered').length === 2);
    stop.abort();
    await done;
    expect(logs.msgs('job failed, retrying')).toHaveLength(0);
    expect(queue.deadLetters.map((d) => d.error)).toEqual([
      'PermanentJobError: payload.to is missing',
      'PermanentJobError: no handler for job type "nope"',
    ]);
  });

  it('releaseInFlight gives a running job back without counting the attempt, and skips its ack', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { queue, loop, logs } = setup({ slow: () => gate });
    const [id] = queue.enqueue([{ type: 'slow' }]);
    const stop = new AbortController();
    const done = loop.run(stop.signal);
    await until(() => logs.msgs('job claimed').length === 1);
    stop.abort();
    await loop.releaseInFlight();
    release();
    await done;
    expect(logs.msgs('job released back to the queue').map((l) => l.jobId)).toEqual([id]);
    expect(logs.msgs('job acked')).toHaveLength(0);
    expect(await queue.claim()).toMatchObject({ id, attempt: 1 }); // due again, first attempt again
  });

  it('backs off while the queue fails and recovers when it is back', async () => {
    let outage = 4;
    const { queue, loop, logs } = setup({ work: () => Promise.resolve() }, { queueBackoffMaxMs: 40 }, (memory) => ({
      claim: () => (outage-- > 0 ? Promise.reject(new Error('connection refused')) : memory.claim()),
      ack: (job) => memory.ack(job),
      fail: (job, error, outcome) => memory.fail(job, error, outcome),
      release: (job) => memory.release(job),
    }));
    queue.enqueue([{ type: 'work' }]);
    const stop = new AbortController();
    const done = loop.run(stop.signal);
    await until(() => logs.msgs('job acked').length === 1);
    stop.abort();
    await done;
    expect(logs.msgs('queue unavailable, backing off').map((l) => l.retryInMs)).toEqual([10, 20, 40, 40]);
    expect(logs.msgs('queue available again')).toHaveLength(1);
  });
});
