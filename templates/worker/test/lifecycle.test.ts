import { afterEach, describe, expect, it } from 'vitest';
import { exitWithin, killAll, linesWith, startWorker, workerEnv, type LogLine } from './helpers/service.js';
import { createTestQueue, MINIMAL_ENV, SKIP_REASON, type Policy, type TestQueue } from './helpers/source.js';
import { assertLoopWithinBudget, LOOP_GUARD, loopGuardReport } from './helpers/loop-guard.js';

// Runs the BUILT worker as a real process and sends it real signals (docs/loop-rules.md §5.5, R4.1, R4.6).
// The same tests run for every job source: test/helpers/source.ts puts jobs in and reads back what
// is left. What the worker did is read from its JSON log lines. Time bounds are generous on purpose:
// these run on shared 2-core machines: no test asserts an upper bound on a duration; a wait that
// should not happen is made far longer than exitWithin's budget instead.

const EXIT_BUDGET_MS = 15_000;
const MAX_LOOP_DELAY_MS = 500; // loop-guard bound after warm-up (§5.1); a blocked loop is far above

const email = (to: string) => ({ type: 'email.send', payload: { to, subject: 'Hello' } });

let queue: TestQueue | undefined;

async function jobs(list: Parameters<typeof createTestQueue>[0], policy: Policy = {}): Promise<TestQueue> {
  queue = await createTestQueue(list, policy);
  return queue;
}

/** Index of the first line with this message (the order of the worker's own log). */
function indexOf(logs: readonly LogLine[], msg: string): number {
  return logs.findIndex((l) => l.msg === msg);
}

afterEach(async () => {
  await killAll();
  await queue?.close();
  queue = undefined;
});

if (SKIP_REASON) console.warn(`test/lifecycle.test.ts: skipped, ${SKIP_REASON}`);

// Each test's timeout covers the sum of its bounded waits (start, the longest wait, exit), so a slow
// machine fails a wait with its message, never the whole test by vitest's 30 s default.
const TEST_TIMEOUT_MS = 3 * 60_000;

describe.skipIf(SKIP_REASON !== undefined)(`graceful shutdown of the built worker${SKIP_REASON ? ` (${SKIP_REASON})` : ''}`, { timeout: TEST_TIMEOUT_MS }, () => {
  it('SIGTERM during startup: the handlers are installed before the first await, exit 0 (R4.1)', async () => {
    const q = await jobs([]);
    const worker = await startWorker(workerEnv(q.env), { waitForStart: false });
    await worker.waitForLog((l) => l.msg === 'starting');
    worker.child.kill('SIGTERM');
    const exit = await exitWithin(worker, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 0, signal: null });
  });

  it('SIGTERM while idle: exits 0 at once, without waiting out the poll interval (R2.1)', async () => {
    const q = await jobs([]);
    // an idle wait of 10 minutes: exitWithin's budget is far shorter, so waiting it out fails the test
    const worker = await startWorker(workerEnv({ ...q.env, POLL_INTERVAL_MS: '600000' }));
    worker.child.kill('SIGTERM');
    const exit = await exitWithin(worker, EXIT_BUDGET_MS);
    expect(exit.code).toBe(0);
    expect(indexOf(worker.logs, 'closed')).toBeGreaterThan(indexOf(worker.logs, 'shutting down'));
  });

  it('SIGTERM mid-job: the job finishes and is acked once, nothing new is claimed, exit 0 (R4.6)', async () => {
    const q = await jobs([email('a@example.com'), email('b@example.com'), email('c@example.com')]);
    const worker = await startWorker(workerEnv({ ...q.env, CONCURRENCY: '1', MAIL_LATENCY_MS: '2000' }), {
      nodeArgs: LOOP_GUARD,
    });
    worker.child.stdin?.write('warm\n'); // ends the loop-guard warm-up
    await worker.waitForLog((l) => l.msg === 'job claimed');
    worker.child.kill('SIGTERM');

    const exit = await exitWithin(worker, EXIT_BUDGET_MS);
    expect(exit.code).toBe(0);
    const claimed = linesWith(worker.logs, 'job claimed').map((l) => l.jobId);
    expect(claimed).toHaveLength(1); // a source may claim in any order
    const [first] = claimed;
    const rest = q.ids.filter((id) => id !== first);
    expect(linesWith(worker.logs, 'job done').map((l) => l.jobId)).toEqual([first]);
    expect(indexOf(worker.logs, 'job done')).toBeGreaterThan(indexOf(worker.logs, 'shutting down')); // drained
    expect(await q.completed(worker.logs)).toEqual([first]); // acknowledged before the exit
    expect(await q.queuedAfterExit(worker.logs)).toEqual(rest);
    assertLoopWithinBudget(loopGuardReport(worker.stderr()), MAX_LOOP_DELAY_MS);
  });

  it('a second signal while draining exits 1 at once (R4.1)', async () => {
    const q = await jobs([email('a@example.com')]);
    // a 10-minute job: only the second signal can end the process within exitWithin's budget
    const worker = await startWorker(workerEnv({ ...q.env, MAIL_LATENCY_MS: '600000', MAIL_TIMEOUT_MS: '900000' }));
    await worker.waitForLog((l) => l.msg === 'job claimed');
    worker.child.kill('SIGTERM');
    await worker.waitForLog((l) => l.msg === 'shutting down');
    worker.child.kill('SIGINT');
    const exit = await exitWithin(worker, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    expect(linesWith(worker.logs, 'second signal, exiting now')).toHaveLength(1);
    expect(linesWith(worker.logs, 'job done')).toHaveLength(0);
  });

  it('past SHUTDOWN_TIMEOUT_MS the in-flight jobs go back to the queue and the exit is 1 (R4.6)', async () => {
    const q = await jobs([email('a@example.com'), email('b@example.com')]);
    const worker = await startWorker(
      // 10-minute jobs: only the shutdown timeout can end the process within exitWithin's budget
      workerEnv({ ...q.env, CONCURRENCY: '2', MAIL_LATENCY_MS: '600000', MAIL_TIMEOUT_MS: '900000', SHUTDOWN_TIMEOUT_MS: '1000' }),
    );
    await worker.waitForLog(() => linesWith(worker.logs, 'job claimed').length === 2);
    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await exitWithin(worker, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(1_000); // a lower bound: the timer cannot fire early
    const released = linesWith(worker.logs, 'job released back to the queue').map((l) => l.jobId);
    expect(released.sort()).toEqual([...q.ids].sort());
    expect(linesWith(worker.logs, 'shutdown timed out, exiting')).toHaveLength(1);
    expect((await q.queuedAfterExit(worker.logs)).sort()).toEqual([...q.ids].sort());
  });

  it('a failing job is retried with growing, capped delays, then dead-lettered with its error', async () => {
    // whole seconds: pg-boss stores retry delays in seconds
    const q = await jobs([{ type: 'flaky', payload: { failTimes: 100 } }], { maxAttempts: 4, retryBaseMs: 1_000, retryMaxMs: 2_000 });
    const worker = await startWorker(workerEnv({ ...q.env, POLL_INTERVAL_MS: '500' }));
    await worker.waitForLog((l) => l.msg === 'job dead-lettered', 60_000);
    const claims = linesWith(worker.logs, 'job claimed');
    expect(claims.map((l) => l.attempt)).toEqual([1, 2, 3, 4]);
    expect(linesWith(worker.logs, 'job failed, retrying').map((l) => l.attempt)).toEqual([1, 2, 3]);
    // each retry was due the delay after the failure, and the failure comes after the claim's log
    for (let i = 1; i < claims.length; i += 1) expect(claims[i]!.time - claims[i - 1]!.time).toBeGreaterThanOrEqual(1_000);
    worker.child.kill('SIGTERM');
    expect((await exitWithin(worker, EXIT_BUDGET_MS)).code).toBe(0);
    const letters = await q.deadLetters(worker.logs);
    expect(letters.map((d) => d.id)).toEqual(q.ids);
    expect(letters[0]!.error).toContain('simulated outage');
  });

  it('at most CONCURRENCY jobs run at once (R2.5)', async () => {
    const q = await jobs(Array.from({ length: 8 }, (_, i) => email(`u${i}@example.com`)));
    const worker = await startWorker(workerEnv({ ...q.env, CONCURRENCY: '3', MAIL_LATENCY_MS: '300' }));
    await worker.waitForLog(() => linesWith(worker.logs, 'job done').length === 8, 30_000);
    worker.child.kill('SIGTERM');
    expect((await exitWithin(worker, EXIT_BUDGET_MS)).code).toBe(0);
    let running = 0;
    let most = 0;
    for (const line of worker.logs) {
      if (line.msg === 'job claimed') most = Math.max(most, (running += 1));
      if (line.msg === 'job done') running -= 1;
    }
    expect(most).toBe(3);
  });

  it('CPU-bound jobs run on the piscina pool: the loop is never blocked (R2.4)', async () => {
    const report = { type: 'report.render', payload: { rows: 5_000_000 } }; // about a second of CPU each
    const q = await jobs([report, report]);
    const worker = await startWorker(workerEnv({ ...q.env, CONCURRENCY: '1' }), {
      nodeArgs: LOOP_GUARD,
    });
    worker.child.stdin?.write('warm\n');
    await worker.waitForLog(() => linesWith(worker.logs, 'job done').length === 2, 90_000); // 2 s of CPU, stretched by load
    worker.child.kill('SIGTERM');
    expect((await exitWithin(worker, EXIT_BUDGET_MS)).code).toBe(0);
    const acked = linesWith(worker.logs, 'job done');
    // each report kept a thread busy for longer than the bound, so on the loop it would have failed
    for (const line of acked) expect(line.ms).toBeGreaterThan(MAX_LOOP_DELAY_MS);
    assertLoopWithinBudget(loopGuardReport(worker.stderr()), MAX_LOOP_DELAY_MS);
  });

  it('an unhandled rejection is logged, the worker drains and exits 1 (R4.7)', async () => {
    const q = await jobs([]);
    const worker = await startWorker(workerEnv(q.env), { nodeArgs: ['--import', './test/fixtures/reject-on-stdin.mjs'] });
    worker.child.stdin?.write('boom\n');
    const exit = await exitWithin(worker, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    const fatal = worker.logs.find((l) => l.msg === 'fatal error, shutting down');
    expect(JSON.stringify(fatal?.err)).toContain('boom from test fixture');
    expect(linesWith(worker.logs, 'closed')).toHaveLength(1);
  });
});

describe('configuration errors stop the worker before it claims anything', () => {
  it.each([
    ['CONCURRENCY', '0'],
    ['POLL_INTERVAL_MS', ''],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
    ['LOG_LEVEL', 'loud'],
  ])('%s=%j: exit 1 with one line naming the variable', async (name, value) => {
    const worker = await startWorker(workerEnv({ ...MINIMAL_ENV, [name]: value }), { waitForStart: false });
    const exit = await exitWithin(worker, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    const lines = worker.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(linesWith(worker.logs, 'worker started')).toHaveLength(0);
  });
});
