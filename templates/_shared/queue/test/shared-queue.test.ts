import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { exitWithin, killAll, linesWith, startWorker, workerEnv, type LogLine, type WorkerProcess } from './helpers/service.js';
import { PRIVATE_SERVER_SKIP_REASON, startPrivateServer, type PrivateServer } from './helpers/private-server.js';
import { createTestQueue, SKIP_REASON, URL_VARIABLE, type TestQueue } from './helpers/source.js';

// What only a queue shared by several processes can promise, on the real server (PostgreSQL with
// pg-boss, or Redis with BullMQ): a killed worker loses no job, no job is held by two live workers,
// a restart of the server (a private one the test stops and starts) is backed off and recovered
// from, and several processes drain one queue. Bounded in count and time; no duration is asserted
// (shared 2-core machines).

const EXIT_BUDGET_MS = 20_000;
/** A short lease, so a killed worker's jobs come back within seconds. */
const LEASE = { leaseSeconds: 2 };
const MINUTES = 60_000;
const email = (i: number) => ({ type: 'email.send', payload: { to: `user${i}@example.com`, subject: 'Hello' } });

let queue: TestQueue | undefined;
let server: PrivateServer | undefined;

afterEach(async () => {
  await killAll();
  try {
    await queue?.close();
  } finally {
    queue = undefined;
    await server?.close();
    server = undefined;
  }
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

/** The server URL with another port on 127.0.0.1: the worker then talks to what listens there. */
function withPort(url: string, port: number): string {
  const moved = new URL(url);
  moved.hostname = '127.0.0.1';
  moved.port = String(port);
  return moved.href;
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
else if (PRIVATE_SERVER_SKIP_REASON) console.warn(`test/shared-queue.test.ts: the server-restart test skipped, ${PRIVATE_SERVER_SKIP_REASON}`);

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
      const worker = await startWorker(workerEnv({ ...q.env, [URL_VARIABLE]: withPort(q.env[URL_VARIABLE]!, port) }), { waitForStart: false });
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

  it.skipIf(PRIVATE_SERVER_SKIP_REASON !== undefined)(
    `the queue server stopped and started again under load: backed off, logged, recovered, no job lost${PRIVATE_SERVER_SKIP_REASON ? ` (${PRIVATE_SERVER_SKIP_REASON})` : ''}`,
    async () => {
      server = await startPrivateServer(); // its own process, port and data: the shared server is never stopped
      const q = (queue = await createTestQueue(Array.from({ length: 200 }, (_, i) => email(i)), LEASE, { url: server.url }));
      const env = workerEnv({ ...q.env, CONCURRENCY: '4', MAIL_LATENCY_MS: '200', QUEUE_BACKOFF_MAX_MS: '1000' });
      const workers = await Promise.all([startWorker(env), startWorker(env)]);
      const doneSoFar = () => workers.reduce((n, w) => n + linesWith(w.logs, 'job done').length, 0);
      await workers[0].waitForLog(() => doneSoFar() >= 20, 60_000);

      // Times are taken before each step: a worker may log its outage (or recovery) before the
      // test has seen the server exit (or announce that it is ready).
      const stoppedAt = Date.now();
      await server.stop(); // the server process exits; each worker must notice and back off
      const doneBeforeStop = doneSoFar();
      const failuresOf = (w: WorkerProcess) => w.logs.filter((l) => l.time >= stoppedAt && /^queue unavailable/.test(l.msg)).length;
      for (const w of workers) await w.waitForLog(() => failuresOf(w) >= 3, 30_000); // it keeps retrying while the server is down
      const restartedAt = Date.now();
      await server.start(); // same port, same data: the jobs are still there
      for (const w of workers) await w.waitForLog((l) => l.time >= restartedAt && l.msg === 'queue available again', 60_000);

      await allCompleted(q, q.ids, 120_000);
      for (const w of workers) w.child.kill('SIGTERM');
      for (const w of workers) expect((await exitWithin(w, EXIT_BUDGET_MS)).code).toBe(0);
      expect(doneSoFar()).toBeGreaterThan(doneBeforeStop); // work went on after the restart
      expect(await q.deadLetters()).toEqual([]);
      // Backed off, not a hot loop: while the server was down each worker logged its failures at a
      // pace bounded by the retry delay (at least POLL_INTERVAL_MS, 100 ms here) per pg-boss worker or
      // connection. A loop retrying at once would log thousands. Load only makes the count smaller.
      const outageMs = Date.now() - stoppedAt;
      const failures = workers.map(failuresOf);
      console.info(`server restart: ${q.ids.length} jobs, ${doneBeforeStop} done before the stop, failures logged per worker: ${failures.join(', ')}; none lost`);
      for (const n of failures) expect(n).toBeLessThanOrEqual((Number(env.CONCURRENCY) + 4) * (outageMs / 100 + 1));
    },
    4 * MINUTES,
  );

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
