import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresQueue } from '../src/queue/postgres.js';
import { exitWithin, killAll, linesWith, PROJECT_ROOT, startWorker, workerEnv, type LogLine } from './helpers/service.js';
import { createTestQueue, DATABASE_URL, SKIP_REASON, type TestQueue } from './helpers/source.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

// The PostgreSQL queue against a real server (DATABASE_URL; CI sets it). Each test works in its own
// random schema, dropped afterwards. Time bounds are generous: shared 2-core machines.

const EXIT_BUDGET_MS = 15_000;
const email = (i: number) => ({ type: 'email.send', payload: { to: `user${i}@example.com`, subject: 'Hello' } });

let queue: TestQueue | undefined;
let proxy: TcpProxy | undefined;

async function jobs(list: Parameters<typeof createTestQueue>[0]): Promise<TestQueue> {
  queue = await createTestQueue(list);
  return queue;
}

/** How many times each job id appears in lines with this message. */
function countById(logs: readonly LogLine[], msg: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of linesWith(logs, msg)) counts.set(line.jobId!, (counts.get(line.jobId!) ?? 0) + 1);
  return counts;
}

afterEach(async () => {
  await killAll();
  await proxy?.close();
  proxy = undefined;
  await queue?.close();
  queue = undefined;
});

if (SKIP_REASON) console.warn(`test/postgres.test.ts: skipped, ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== undefined)(`PostgresQueue${SKIP_REASON ? ` (${SKIP_REASON})` : ''}`, () => {
  it('concurrent claimers never get the same job (FOR UPDATE SKIP LOCKED)', async () => {
    const q = await jobs(Array.from({ length: 40 }, (_, i) => email(i)));
    const claimers = Array.from({ length: 5 }, () => q.queue());
    const claimed: string[] = [];
    await Promise.all(
      claimers.map(async (claimer) => {
        for (let job = await claimer.claim(); job; job = await claimer.claim()) claimed.push(job.id);
      }),
    );
    expect(claimed.sort()).toEqual([...q.ids].sort());
  });

  it('a claimed job is hidden until its lease ends, then delivered again; the old lease cannot ack it', async () => {
    const q = await jobs([email(1)]);
    const a = q.queue({ leaseMs: 1_000 });
    const b = q.queue({ leaseMs: 1_000 });
    const first = await a.claim();
    expect(first).toMatchObject({ id: q.ids[0], attempt: 1 });
    expect(await b.claim()).toBeUndefined();
    await sleep(1_300);
    const second = await b.claim();
    expect(second).toMatchObject({ id: q.ids[0], attempt: 2 });
    expect(await a.ack(first!)).toBe(false); // a's lease ended: b holds the job now
    expect(await b.ack(second!)).toBe(true);
    expect(await q.rows()).toEqual([]);
  });

  it('fail schedules a retry with the error or dead-letters; release makes the job due at once, uncounted', async () => {
    const q = await jobs([email(1), email(2), email(3)]);
    const worker = q.queue();
    const [retried, dead, released] = [await worker.claim(), await worker.claim(), await worker.claim()];
    await worker.fail(retried!, 'Error: smtp down', { retryInMs: 60_000 });
    await worker.fail(dead!, 'PermanentJobError: bad address', { deadLetter: true });
    await worker.release(released!);
    const rows = await q.rows();
    expect(rows[0]).toMatchObject({ status: 'queued', attempts: 1, lease_id: null, last_error: 'Error: smtp down' });
    expect(rows[0]!.due_in_ms).toBeGreaterThan(50_000);
    expect(rows[1]).toMatchObject({ status: 'dead', lease_id: null, last_error: 'PermanentJobError: bad address' });
    expect(rows[2]).toMatchObject({ status: 'queued', attempts: 0, lease_id: null });
    expect(rows[2]!.due_in_ms).toBeLessThanOrEqual(0);
    expect(await worker.claim()).toMatchObject({ id: released!.id, attempt: 1 });
  });

  it('check() asks for the migration when the table is missing', async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    const missing = new PostgresQueue({ pool, schema: `loopsvc_test_missing_${randomUUID().slice(0, 8)}`, leaseMs: 1_000 });
    await expect(missing.check()).rejects.toThrow(/npm run migrate/);
    await missing.close();
  });
});

describe.skipIf(SKIP_REASON !== undefined)(`built workers on one PostgreSQL queue${SKIP_REASON ? ` (${SKIP_REASON})` : ''}`, () => {
  it('npm run migrate (dist/migrate.js) creates the table and can run again', async () => {
    const schema = `loopsvc_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const migrate = () =>
      promisify(execFile)(process.execPath, ['dist/migrate.js'], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', DATABASE_URL, QUEUE_SCHEMA: schema },
        timeout: 30_000,
      });
    const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      await migrate();
      await migrate(); // idempotent
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".jobs`);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });

  it('refuses to start without the migration: exit 1, naming `npm run migrate`', async () => {
    const worker = await startWorker(
      workerEnv({ DATABASE_URL, QUEUE_SCHEMA: `loopsvc_test_missing_${randomUUID().slice(0, 8)}` }),
      { waitForStart: false },
    );
    const exit = await exitWithin(worker, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    expect(JSON.stringify(worker.logs.find((l) => l.msg === 'failed to start'))).toContain('npm run migrate');
  });

  it('three workers drain the queue: every job processed exactly once in total', async () => {
    const q = await jobs([]);
    const env = workerEnv({ ...q.env, CONCURRENCY: '2', MAIL_LATENCY_MS: '100' });
    const workers = await Promise.all([startWorker(env), startWorker(env), startWorker(env)]);
    const ids = await q.enqueue(Array.from({ length: 60 }, (_, i) => email(i))); // all three are polling now
    const allLogs = () => workers.flatMap((w) => w.logs);
    const deadline = Date.now() + 30_000;
    while (linesWith(allLogs(), 'job acked').length < ids.length && Date.now() < deadline) await sleep(50);
    for (const worker of workers) worker.child.kill('SIGTERM');
    for (const worker of workers) expect((await exitWithin(worker, EXIT_BUDGET_MS)).code).toBe(0);

    const acks = countById(allLogs(), 'job acked');
    const claims = countById(allLogs(), 'job claimed');
    expect([...acks.keys()].sort()).toEqual([...ids].sort());
    expect([...acks.values()].every((n) => n === 1)).toBe(true);
    expect([...claims.values()].every((n) => n === 1)).toBe(true);
    expect(workers.filter((w) => linesWith(w.logs, 'job acked').length > 0).length).toBeGreaterThanOrEqual(2);
    expect(await q.rows()).toEqual([]);
  });

  it('a worker killed with SIGKILL mid-job loses nothing: the job is delivered again after its lease', async () => {
    const q = await jobs([email(1)]);
    const lease = { LEASE_MS: '2000', MAIL_TIMEOUT_MS: '30000' };
    const doomed = await startWorker(workerEnv({ ...q.env, ...lease, MAIL_LATENCY_MS: '20000' }));
    const firstClaim = await doomed.waitForLog((l) => l.msg === 'job claimed');
    doomed.child.kill('SIGKILL');
    expect((await exitWithin(doomed, EXIT_BUDGET_MS)).signal).toBe('SIGKILL');

    const survivor = await startWorker(workerEnv({ ...q.env, ...lease, MAIL_LATENCY_MS: '100' }));
    const acked = await survivor.waitForLog((l) => l.msg === 'job acked', 20_000);
    const secondClaim = linesWith(survivor.logs, 'job claimed')[0]!;
    expect(acked.jobId).toBe(q.ids[0]);
    expect(secondClaim.attempt).toBe(2);
    // not before the 2 s lease ended (starting the survivor alone takes well under a second)
    expect(secondClaim.time - firstClaim.time).toBeGreaterThanOrEqual(1_500);
    survivor.child.kill('SIGTERM');
    expect((await exitWithin(survivor, EXIT_BUDGET_MS)).code).toBe(0);
    expect(await q.rows()).toEqual([]);
  });

  it('while the database is unreachable the worker backs off and logs, then recovers', async () => {
    const q = await jobs([]);
    const target = new URL(DATABASE_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(DATABASE_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const worker = await startWorker(
      workerEnv({ ...q.env, DATABASE_URL: proxied.href, POLL_INTERVAL_MS: '100', QUEUE_BACKOFF_MAX_MS: '400' }),
    );
    proxy.down();
    await worker.waitForLog(() => linesWith(worker.logs, 'queue unavailable, backing off').length >= 3);
    const [id] = await q.enqueue([email(1)]);
    proxy.up();
    await worker.waitForLog((l) => l.msg === 'job acked' && l.jobId === id, 20_000);
    expect(linesWith(worker.logs, 'queue available again')).toHaveLength(1);
    const delays = linesWith(worker.logs, 'queue unavailable, backing off').map((l) => l.retryInMs as number);
    expect(delays.slice(0, 3)).toEqual([100, 200, 400]);
    expect(Math.max(...delays)).toBe(400); // capped
    worker.child.kill('SIGTERM');
    expect((await exitWithin(worker, EXIT_BUDGET_MS)).code).toBe(0);
  });
});
