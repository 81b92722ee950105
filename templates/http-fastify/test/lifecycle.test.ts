import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream.js';
import { assertLoopWithinBudget, LOOP_GUARD, loopGuardReport } from './helpers/loop-guard.js';
import { exitWithin, killAll, serviceEnv, startService } from './helpers/service.js';
import { postHead, slowClient, type SlowClient } from './helpers/slow-client.js';

// Runs the BUILT service as a real process and sends it real signals (docs/loop-rules.md §5.2, R4.1-R4.2).
// Timing bounds are generous on purpose: these run on shared 2-core machines.

const EXIT_BUDGET_MS = 20_000; // far below keepAliveTimeout (60 s here), so a stalled close fails
const MAX_LOOP_DELAY_MS = 500; // loop-guard bound after warm-up (§5.1); a real block is far above

let upstream: FakeUpstream;
const clients: Client[] = [];
const slowClients: SlowClient[] = [];

function keepAliveClient(origin: string): Client {
  const client = new Client(origin, { keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
  clients.push(client);
  return client;
}

async function get(client: Client, path: string) {
  const res = await client.request({ method: 'GET', path, signal: AbortSignal.timeout(15_000) });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

/** One request on a fresh connection, which is then closed. */
async function getOnce(origin: string, path: string) {
  const client = new Client(origin);
  try {
    return await get(client, path);
  } finally {
    await client.destroy();
  }
}

beforeAll(async () => {
  upstream = await startFakeUpstream({ slowMs: 4_000 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  for (const slow of slowClients.splice(0)) slow.destroy();
  await killAll();
});

afterAll(async () => {
  await upstream.close();
});

describe('graceful shutdown of the built service', () => {
  it('drains on SIGTERM: in-flight work finishes, readiness flips, idle keep-alive does not stall, exit 0', async () => {
    const service = await startService(
      serviceEnv({
        UPSTREAM_URL: upstream.url,
        UPSTREAM_TIMEOUT_MS: '15000',
        DRAIN_DELAY_MS: '2000',
        SHUTDOWN_TIMEOUT_MS: '8000',
        KEEP_ALIVE_TIMEOUT_MS: '60000', // an idle client could hold close() for 60 s without reaping (P1)
      }),
      { nodeArgs: LOOP_GUARD },
    );
    const busy = keepAliveClient(service.address); // carries the slow request
    const kept = keepAliveClient(service.address); // open and idle at SIGTERM, used during the drain
    const idle = keepAliveClient(service.address); // open and idle until the end
    let idleDisconnected = false;
    idle.on('disconnect', () => {
      idleDisconnected = true;
    });

    // Warm up: open the three keep-alive connections and one pooled upstream connection.
    expect((await get(busy, '/fanout?ids=warm')).status).toBe(200);
    expect((await get(kept, '/live')).status).toBe(200);
    expect((await get(idle, '/live')).status).toBe(200);
    expect(await upstream.connections()).toBeGreaterThan(0);
    service.child.stdin?.write('warm\n'); // ends the loop-guard warm-up

    const slow = get(busy, '/fanout?ids=slow'); // upstream answers after 4 s: longer than the drain
    slow.catch(() => undefined); // asserted below; no unhandled rejection if an earlier expect fails
    await upstream.waitForRequest('/items/slow');

    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    const shuttingDown = await service.waitForLog((l) => l.msg === 'shutting down');
    expect(shuttingDown.signal).toBe('SIGTERM');

    // During the drain: not ready, still alive, and every response asks the client to go away.
    const ready = await getOnce(service.address, '/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.connection).toBe('close');
    const live = await getOnce(service.address, '/live');
    expect(live.status).toBe(200);
    expect(live.headers.connection).toBe('close');
    const onKept = await get(kept, '/live'); // a connection open before the signal is still answered
    expect(onKept.status).toBe(200);
    expect(onKept.headers.connection).toBe('close');

    const slowResponse = await slow;
    expect(slowResponse.status).toBe(200);
    expect(JSON.parse(slowResponse.body)).toEqual({ items: [{ id: 'slow' }] });
    expect(slowResponse.headers.connection).toBe('close');

    await service.waitForLog((l) => l.msg === 'closed', EXIT_BUDGET_MS);
    // R3.1/§5.6: the service closed its upstream pool itself before reporting "closed".
    const deadline = Date.now() + 1_000;
    while ((await upstream.connections()) > 0 && Date.now() < deadline) await sleep(10);
    expect(await upstream.connections()).toBe(0);

    const exit = await exitWithin(service, EXIT_BUDGET_MS);
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(EXIT_BUDGET_MS);
    expect(idleDisconnected).toBe(true); // reaped by the server, not left to the 60 s keep-alive

    assertLoopWithinBudget(loopGuardReport(service.stderr()), MAX_LOOP_DELAY_MS);
  });

  it('exits 1 at once on a second signal during the drain', async () => {
    const service = await startService(
      serviceEnv({ UPSTREAM_URL: upstream.url, DRAIN_DELAY_MS: '20000', SHUTDOWN_TIMEOUT_MS: '5000' }),
    );
    service.child.kill('SIGTERM');
    await service.waitForLog((l) => l.msg === 'shutting down');
    service.child.kill('SIGINT');
    const exit = await exitWithin(service, 15_000); // a bound of the test only: the drain takes 20 s
    expect(exit.code).toBe(1);
    expect(service.logs.some((l) => l.msg === 'second signal, exiting now')).toBe(true);
  });

  it('exits 1 when in-flight work outlives DRAIN_DELAY_MS + SHUTDOWN_TIMEOUT_MS', async () => {
    const service = await startService(
      serviceEnv({
        UPSTREAM_URL: upstream.url,
        UPSTREAM_TIMEOUT_MS: '60000',
        DRAIN_DELAY_MS: '200',
        SHUTDOWN_TIMEOUT_MS: '500',
      }),
    );
    const client = keepAliveClient(service.address);
    const hanging = get(client, '/fanout?ids=hang').catch((err: unknown) => err); // never answered upstream
    await upstream.waitForRequest('/items/hang');
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    const exit = await exitWithin(service, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(600);
    expect(exit.at - signalledAt).toBeLessThan(EXIT_BUDGET_MS);
    expect(service.logs.some((l) => l.msg === 'shutdown timed out, exiting')).toBe(true);
    await hanging;
  });

  it('logs an unhandled rejection, closes gracefully and exits 1 (R4.7)', async () => {
    const service = await startService(serviceEnv({ UPSTREAM_URL: upstream.url, DRAIN_DELAY_MS: '5000' }), {
      nodeArgs: ['--import', './test/fixtures/reject-on-stdin.mjs'],
    });
    service.child.stdin?.write('boom\n');
    const exit = await exitWithin(service, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    const fatal = service.logs.find((l) => l.msg === 'fatal error, shutting down');
    expect(JSON.stringify(fatal?.err)).toContain('boom from test fixture');
    expect(service.logs.some((l) => l.msg === 'closed')).toBe(true); // no drain delay on a fatal error
  });
});

describe('slow clients', () => {
  it('a client still sending its request cannot hold the stop: it is cut when close() starts, exit 0', async () => {
    // Timeouts far beyond the test: only the stop itself can end these connections.
    const service = await startService(
      serviceEnv({
        UPSTREAM_URL: upstream.url,
        DRAIN_DELAY_MS: '200',
        SHUTDOWN_TIMEOUT_MS: '600000',
        REQUEST_TIMEOUT_MS: '600000',
        HEADERS_TIMEOUT_MS: '600000',
      }),
    );
    const body = await slowClient(service.address, postHead('/hash')); // headers sent, body dribbling
    const headers = await slowClient(service.address, 'POST /hash HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'b');
    slowClients.push(body, headers);
    expect((await getOnce(service.address, '/live')).status).toBe(200); // the service still serves

    service.child.kill('SIGTERM');
    const exit = await exitWithin(service, 25_000); // bound of the test only; the stop would take 600 s
    expect(exit.code).toBe(0);
    expect(service.logs.some((l) => l.msg === 'shutdown timed out, exiting')).toBe(false);
    // Both were cut off without an answer to the request they never finished sending.
    expect(await body.closed).not.toMatch(/^HTTP\/1\.1 2/);
    expect(await headers.closed).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('a client slower than REQUEST_TIMEOUT_MS gets 408 and its connection closed, while serving', async () => {
    // The limits apply to every request, the /live check below included: 3 s leaves a loaded
    // machine room to send that one, while the slow client (never done) is still cut.
    const service = await startService(
      serviceEnv({ UPSTREAM_URL: upstream.url, REQUEST_TIMEOUT_MS: '3000', HEADERS_TIMEOUT_MS: '3000' }),
    );
    const body = await slowClient(service.address, postHead('/hash'));
    slowClients.push(body);
    expect(await body.closed).toMatch(/^HTTP\/1\.1 408/);
    expect((await getOnce(service.address, '/live')).status).toBe(200);
  });
});

describe('configuration errors stop the service before it listens', () => {
  it.each([
    ['PORT', 'not-a-port'],
    ['PORT', ''],
    ['DRAIN_DELAY_MS', '-5'],
    ['UPSTREAM_URL', 'ftp://files.example.com'],
  ])('%s=%j: exit 1 with one line naming the variable', async (name, value) => {
    const service = await startService(serviceEnv({ [name]: value }), { waitForListening: false });
    const exit = await exitWithin(service, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    const lines = service.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(service.logs.some((l) => l.msg.startsWith('Server listening'))).toBe(false);
  });
});
