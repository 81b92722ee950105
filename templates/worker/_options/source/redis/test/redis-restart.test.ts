import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { exitWithin, killAll, linesWith, startWorker, workerEnv } from './helpers/service.js';
import { createTestQueue, type TestQueue } from './helpers/source.js';

// The Redis server itself stopped and started again under load: a private redis-server on a free
// 127.0.0.1 port, with an append-only file so the jobs outlive the restart (as a production Redis
// that holds a queue must). Skipped, saying so, where redis-server is not installed.

const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;
const SKIP_REASON = HAS_REDIS_SERVER ? undefined : 'redis-server is not on PATH';
const MINUTES = 60_000;

let queue: TestQueue | undefined;
let dir: string | undefined;
let port = 0;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port: free } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

/** Starts redis-server in the background and waits (bounded) until it answers PING. */
async function startServer(): Promise<void> {
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir!, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
  spawn('redis-server', [...args, '--daemonize', 'yes'], { stdio: 'ignore' });
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // refused until the server is up: the loop retries
  for (let i = 0; i < 100; i += 1) {
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      await sleep(100);
    }
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

async function stopServer(): Promise<void> {
  const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // the server closes the connection as it exits
  await client.shutdown('SAVE').catch(() => undefined); // the connection closes as the server exits
  client.disconnect();
}

afterEach(async () => {
  await killAll();
  await queue?.close().catch(() => undefined);
  queue = undefined;
  if (dir) {
    await stopServer();
    await rm(dir, { recursive: true, force: true });
    dir = undefined;
  }
});

describe.skipIf(SKIP_REASON !== undefined)(`the Redis server restarted under load${SKIP_REASON ? ` (${SKIP_REASON})` : ''}`, () => {
  it('the worker backs off, logs, reconnects and loses no job', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'loopsvc-redis-'));
    port = await freePort();
    await startServer();
    const url = `redis://127.0.0.1:${port}`;
    const email = (i: number) => ({ type: 'email.send', payload: { to: `user${i}@example.com`, subject: 'Hello' } });
    const q = (queue = await createTestQueue(Array.from({ length: 40 }, (_, i) => email(i)), { leaseSeconds: 2 }, { url }));
    const worker = await startWorker(workerEnv({ ...q.env, CONCURRENCY: '2', MAIL_LATENCY_MS: '100', QUEUE_BACKOFF_MAX_MS: '1000' }));
    await worker.waitForLog(() => linesWith(worker.logs, 'job done').length >= 5, 30_000);
    await stopServer();
    await worker.waitForLog((l) => l.msg === 'queue unavailable, backing off', 30_000);
    await startServer();
    await worker.waitForLog((l) => l.msg === 'queue available again', 60_000);
    const deadline = Date.now() + 90_000;
    while ((await q.completed()).length < q.ids.length && Date.now() < deadline) await sleep(200);
    expect((await q.completed()).sort()).toEqual([...q.ids].sort());
    worker.child.kill('SIGTERM');
    expect((await exitWithin(worker, 20_000)).code).toBe(0);
    const backoffs = linesWith(worker.logs, 'queue unavailable, backing off').map((l) => l.retryInMs as number);
    expect(backoffs.every((ms) => ms <= 1_000)).toBe(true); // capped at QUEUE_BACKOFF_MAX_MS
  }, 3 * MINUTES);
});
