import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { exitWithin, killAll, linesWith, startWorker, workerEnv, type LogLine, type WorkerProcess } from './helpers/service.js';
import { serverAddress, urlThrough } from './helpers/address.js';
import { createTestQueue, SKIP_REASON, URL_VARIABLE, type TestQueue } from './helpers/source.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

// What only a queue shared by several processes can promise, on the real server (PostgreSQL with
// pg-boss, or Redis with BullMQ): a killed worker loses no job, no job is held by two live workers,
// an outage of the server is backed off and recovered from, and several processes drain one
// queue. Bounded in count and time; no duration is asserted (shared 2-core machines).

const EXIT_BUDGET_MS = 20_000;
/** A short lease, so a killed worker's jobs come back within seconds. */
const LEASE = { leaseSeconds: 2 };
const MINUTES = 60_000;
const email = (i: number) => ({ type: 'email.send', payload: { to: `user${i}@example.com`, subject: 'Hello' } });

let queue: TestQueue | undefined;
let proxy: TcpProxy | undefined;

afterEach(async () => {
  await killAll();
  await proxy?.close();
  proxy = undefined;
  await queue?.close();
  queue = undefined;
});

/** Waits (polling, bounded) until every id is completed. */
async function allCompleted(q: TestQueue, ids: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = new Set(await q.completed());
    if (ids.every((id) => done.has(id))) return;
    if (Date.now() > deadline) throw new Error(`${ids.filter((id) => !done.has(id)).length} of ${ids.length} jobs not completed after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** How many times each job id appears in lines with this message, over all processes. */
function countById(logs: readonly LogLine[], msg: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of linesWith(logs, msg)) counts.set(line.jobId!, (counts.get(line.jobId!) ?? 0) + 1);
  return counts;
}

/** Job ids claimed and not finished in these logs: in flight when the process died. */
function inFlight(logs: readonly LogLine[]): Set<string> {
  const held = new Set<string>();
  for (const line of logs) {
    if (line.msg === 'job claimed') held.add(line.jobId!);
    if (line.msg === 'job done' || line.msg === 'job failed, retrying' || line.msg === 'job dead-lettered') held.delete(line.jobId!);
  }
  return held;
}

if (SKIP_REASON) console.warn(`test/shared-queue.test.ts: skipped, ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== undefined)(`a queue shared by worker processes${SKIP_REASON ? ` (${SKIP_REASON})` : ''}`, () => {
  it('several processes drain one queue; each job is done once', async () => {
    const q = (queue = await createTestQueue(Array.from({ length: 60 }, (_, i) => email(i))));
    const env = workerEnv({ ...q.env, CONCURRENCY: '3', MAIL_LATENCY_MS: '50' });
    const workers = await Promise.all([startWorker(env), startWorker(env), startWorker(env)]);
    await allCompleted(q, q.ids, 60_000);
    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) expect((await exitWithin(w, EXIT_BUDGET_MS)).code).toBe(0);
    const done = countById(workers.flatMap((w) => w.logs), 'job done');
    expect([...done.keys()].sort()).toEqual([...q.ids].sort());
    expect([...done.values()].every((n) => n === 1)).toBe(true);
    expect(workers.filter((w) => linesWith(w.logs, 'job done').length > 0).length).toBeGreaterThan(1);
  }, 2 * MINUTES);

  it('SIGTERM while the server accepts the connection but never answers: startup is aborted, exit 0', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket)).listen(0, '127.0.0.1'); // reads nothing, writes nothing
    await new Promise((resolve) => silent.once('listening', resolve));
    try {
      const q = (queue = await createTestQueue([]));
      const port = (silent.address() as AddressInfo).port;
      const worker = await startWorker(workerEnv({ ...q.env, [URL_VARIABLE]: urlThrough(port) }), { waitForStart: false });
      await worker.waitForLog((l) => l.msg === 'starting');
      worker.child.kill('SIGTERM');
      const exit = await exitWithin(worker, EXIT_BUDGET_MS);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(linesWith(worker.logs, 'stopped during startup')).toHaveLength(1);
      expect(linesWith(worker.logs, 'worker started')).toHaveLength(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('SIGKILL loses no job: it is delivered again after the lease, never to two live workers', async () => {
    const q = (queue = await createTestQueue([email(1)], LEASE));
    const a = await startWorker(workerEnv({ ...q.env, MAIL_LATENCY_MS: '60000', MAIL_TIMEOUT_MS: '120000' }));
    await a.waitForLog((l) => l.msg === 'job claimed');
    const b = await startWorker(workerEnv({ ...q.env, MAIL_LATENCY_MS: '50' }));
    await sleep(500);
    expect(linesWith(b.logs, 'job claimed')).toHaveLength(0); // a still holds it
    const killSentAt = Date.now(); // a was alive and held the job until at least this moment
    a.child.kill('SIGKILL');
    await exitWithin(a, EXIT_BUDGET_MS);
    const again = await b.waitForLog((l) => l.msg === 'job done', 90_000);
    expect(again.jobId).toBe(q.ids[0]);
    expect(linesWith(b.logs, 'job claimed')[0]!.time).toBeGreaterThanOrEqual(killSentAt); // only after a died
    expect(linesWith(b.logs, 'job claimed')[0]!.attempt).toBe(2);
    await allCompleted(q, q.ids, 30_000);
  }, 2 * MINUTES);

  it('the queue server cut off under load: backed off, logged, recovered, no job lost', async () => {
    proxy = await startTcpProxy(serverAddress());
    const q = (queue = await createTestQueue(Array.from({ length: 40 }, (_, i) => email(i)), LEASE));
    const worker = await startWorker(
      workerEnv({ ...q.env, [URL_VARIABLE]: urlThrough(proxy.port), CONCURRENCY: '2', MAIL_LATENCY_MS: '100', QUEUE_BACKOFF_MAX_MS: '1000' }),
    );
    await worker.waitForLog(() => linesWith(worker.logs, 'job done').length >= 5, 30_000);
    proxy.down();
    await worker.waitForLog((l) => /queue unavailable/.test(l.msg), 30_000);
    await sleep(1_500);
    proxy.up();
    await allCompleted(q, q.ids, 90_000);
    worker.child.kill('SIGTERM');
    expect((await exitWithin(worker, EXIT_BUDGET_MS)).code).toBe(0);
    expect(await q.deadLetters()).toEqual([]);
  }, 3 * MINUTES);

  it('chaos: 3 processes, random SIGTERM and SIGKILL with replacements; every job done, repeats only after a SIGKILL', async () => {
    const JOBS = 300;
    const q = (queue = await createTestQueue(Array.from({ length: JOBS }, (_, i) => email(i)), { maxAttempts: 20, ...LEASE }));
    const env = workerEnv({ ...q.env, CONCURRENCY: '4', MAIL_LATENCY_MS: '400', SHUTDOWN_TIMEOUT_MS: '10000' });
    const all: WorkerProcess[] = [];
    const spawn = async () => {
      const w = await startWorker(env);
      all.push(w);
      return w;
    };
    let live: WorkerProcess[] = await Promise.all([spawn(), spawn(), spawn()]);
    const mayRepeat = new Set<string>(); // in flight in a process at the moment it was killed
    let kills = 0;
    let terms = 0;
    for (let round = 0; round < 8; round += 1) {
      await sleep(300 + Math.floor(Math.random() * 500));
      const victim = live[Math.floor(Math.random() * live.length)]!;
      if (Math.random() < 0.5) {
        victim.child.kill('SIGKILL');
        await exitWithin(victim, EXIT_BUDGET_MS);
        for (const id of inFlight(victim.logs)) mayRepeat.add(id);
        kills += 1;
      } else {
        victim.child.kill('SIGTERM');
        expect((await exitWithin(victim, EXIT_BUDGET_MS)).code).toBe(0);
        terms += 1;
      }
      live = live.filter((w) => w !== victim);
      live.push(await spawn());
    }
    await allCompleted(q, q.ids, 120_000);
    for (const w of live) w.child.kill('SIGTERM');
    for (const w of live) expect((await exitWithin(w, EXIT_BUDGET_MS)).code).toBe(0);

    const logs = all.flatMap((w) => w.logs);
    const claims = countById(logs, 'job claimed');
    const repeated = [...claims].filter(([, n]) => n > 1).map(([id]) => id);
    console.info(`chaos: ${JOBS} jobs, ${kills} SIGKILL, ${terms} SIGTERM, lost 0, repeated ${repeated.length} (in flight at a SIGKILL: ${mayRepeat.size})`);
    expect((await q.completed()).length).toBe(JOBS); // none lost: the queue holds every job as completed
    for (const id of repeated) expect(mayRepeat.has(id), `job ${id} ran twice without a SIGKILL`).toBe(true);
    expect(await q.deadLetters()).toEqual([]);
  }, 5 * MINUTES);
});
