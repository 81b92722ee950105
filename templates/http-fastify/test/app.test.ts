import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuildOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream.js';

let upstream: FakeUpstream;
let app: FastifyInstance | undefined;

const HELD_TASK = new URL('./fixtures/held-task.mjs', import.meta.url).href;

async function testApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<FastifyInstance> {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    UPSTREAM_URL: upstream.url,
    UPSTREAM_TIMEOUT_MS: '2000',
    CPU_POOL_THREADS: '1',
    ...env,
  });
  app = await buildApp(config, options);
  return app;
}

beforeAll(async () => {
  upstream = await startFakeUpstream({ delayMs: 100 });
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  await upstream.close();
});

describe('health', () => {
  it('/live and /ready answer 200 while running', async () => {
    const app = await testApp();
    expect((await app.inject('/live')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('once draining: /ready is 503, /live stays 200, responses say Connection: close (R4.2, R3.3)', async () => {
    const app = await testApp();
    app.beginDrain();
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'draining' });
    expect(ready.headers.connection).toBe('close');
    const live = await app.inject('/live');
    expect(live.statusCode).toBe(200);
    expect(live.headers.connection).toBe('close');
  });

  it('event-loop pressure makes /ready 503, never /live (R3.4)', async () => {
    const app = await testApp({ MAX_EVENT_LOOP_DELAY_MS: '50', PRESSURE_SAMPLE_INTERVAL_MS: '100' });
    await app.ready();
    let ready = await app.inject('/ready');
    let live = await app.inject('/live');
    for (let attempt = 0; attempt < 3 && ready.statusCode !== 503; attempt += 1) {
      // Deliberately block this test's loop (the app runs in-process) so the next sample sees it.
      const end = performance.now() + 1_000;
      while (performance.now() < end) {
        // busy-wait on purpose
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      ready = await app.inject('/ready');
      live = await app.inject('/live');
    }
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('5');
    // under-pressure's error, serialised whole through the 503 schema of /ready (an anyOf)
    expect(ready.json()).toMatchObject({ statusCode: 503, code: 'FST_UNDER_PRESSURE', error: 'Service Unavailable', message: expect.any(String) as unknown });
    expect(live.statusCode).toBe(200);
  });
});

describe('GET /fanout', () => {
  it('calls the upstream concurrently and returns every item (R2.5)', async () => {
    const app = await testApp();
    const before = upstream.maxInFlight;
    upstream.maxInFlight = 0;
    const res = await app.inject('/fanout?ids=a,b,c');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
    expect(upstream.maxInFlight).toBe(3); // each call takes 100 ms: all three were in flight together
    upstream.maxInFlight = Math.max(before, upstream.maxInFlight);
  });

  it('answers 502 when the upstream fails, and keeps serving', async () => {
    const app = await testApp();
    const res = await app.inject('/fanout?ids=a,fail');
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ message: 'upstream /items/fail answered 500' });
    expect((await app.inject('/live')).statusCode).toBe(200);
  });

  it('answers 504 when the upstream is slower than UPSTREAM_TIMEOUT_MS', async () => {
    const app = await testApp({ UPSTREAM_TIMEOUT_MS: '300' });
    const res = await app.inject('/fanout?ids=a,hang');
    expect(res.statusCode).toBe(504);
  });

  it('answers 502 when the upstream is unreachable', async () => {
    const down = await startFakeUpstream();
    const url = down.url;
    await down.close();
    const app = await testApp({ UPSTREAM_URL: url });
    const res = await app.inject('/fanout?ids=a');
    expect(res.statusCode).toBe(502);
  });

  it('rejects malformed or unbounded id lists with 400', async () => {
    const app = await testApp();
    expect((await app.inject('/fanout')).statusCode).toBe(400);
    expect((await app.inject('/fanout?ids=a/b')).statusCode).toBe(400);
    const eleven = Array.from({ length: 11 }, (_, i) => `id${i}`).join(',');
    expect((await app.inject(`/fanout?ids=${eleven}`)).statusCode).toBe(400);
  });

  it('closes the upstream pool on close (R3.1, §5.6)', async () => {
    const app = await testApp();
    expect((await app.inject('/fanout?ids=a')).statusCode).toBe(200);
    expect(await upstream.connections()).toBeGreaterThan(0);
    await app.close();
    const deadline = Date.now() + 2_000;
    while ((await upstream.connections()) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await upstream.connections()).toBe(0);
  });
});

describe('POST /hash', () => {
  it('hashes on the worker pool (R2.4)', async () => {
    const app = await testApp();
    const first = await app.inject({ method: 'POST', url: '/hash', payload: { password: 'correct horse' } });
    const second = await app.inject({ method: 'POST', url: '/hash', payload: { password: 'correct horse' } });
    expect(first.statusCode).toBe(200);
    const a = first.json<{ algorithm: string; salt: string; hash: string }>();
    const b = second.json<{ salt: string; hash: string }>();
    expect(a.algorithm).toBe('scrypt');
    expect(a.hash).toMatch(/^[0-9a-f]{128}$/);
    expect(a.salt).not.toBe(b.salt); // fresh salt per call
  });

  it('validates the body', async () => {
    const app = await testApp();
    const res = await app.inject({ method: 'POST', url: '/hash', payload: { password: '' } });
    expect(res.statusCode).toBe(400);
  });

  it('accepts a body of exactly BODY_LIMIT_BYTES and answers 413 one byte above (R2.4)', async () => {
    const limit = 1_024;
    const app = await testApp({ BODY_LIMIT_BYTES: String(limit) });
    const body = (length: number) => `{"password":"${'a'.repeat(length - '{"password":""}'.length)}"}`;
    const headers = { 'content-type': 'application/json' };
    const atLimit = await app.inject({ method: 'POST', url: '/hash', headers, payload: body(limit) });
    expect(atLimit.statusCode).toBe(200);
    const overLimit = await app.inject({ method: 'POST', url: '/hash', headers, payload: body(limit + 1) });
    expect(overLimit.statusCode).toBe(413);
  });

  it('a full CPU queue answers 503 with Retry-After and makes /ready report saturation, until it drains', async () => {
    const app = await testApp({ CPU_POOL_THREADS: '1', CPU_QUEUE_MAX: '1' }, { cpuTask: HELD_TASK });
    const channel = new BroadcastChannel('held-task');
    try {
      const started = new Promise<void>((resolve) => {
        channel.onmessage = (event: MessageEvent) => {
          if (event.data === 'started') resolve();
        };
      });
      const hash = () => app.inject({ method: 'POST', url: '/hash', payload: { password: 'x' } });
      expect((await app.inject('/ready')).statusCode).toBe(200);

      const running = hash(); // takes the only thread, and is held there
      await started;
      const queued = hash(); // waits for the thread: the queue (1) is now full
      while (!app.cpuPool.saturated) await new Promise((resolve) => setImmediate(resolve));

      const refused = await hash();
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/CPU pool is busy/) as unknown });
      const ready = await app.inject('/ready');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'saturated' });
      expect((await app.inject('/live')).statusCode).toBe(200); // liveness ignores load (R3.4)

      channel.postMessage('release');
      expect((await running).statusCode).toBe(200);
      expect((await queued).statusCode).toBe(200);
      expect((await app.inject('/ready')).statusCode).toBe(200);
    } finally {
      channel.close();
    }
  });
});

describe('as generated, with no other service', () => {
  it('GET /fanout answers 200 from the built-in /items stand-in (UPSTREAM_URL unset)', async () => {
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', CPU_POOL_THREADS: '1' });
    const probe = await buildApp(config);
    await probe.listen({ host: '127.0.0.1', port: 0 });
    const { port } = probe.server.address() as AddressInfo;
    await probe.close();
    // The default origin is this service on its own PORT: start it on a fixed, now free, port.
    app = await buildApp(loadConfig({ HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent', CPU_POOL_THREADS: '1' }));
    await app.listen({ host: '127.0.0.1', port });
    const res = await app.inject('/fanout?ids=a,b');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [{ id: 'a' }, { id: 'b' }] });
  });
});

describe('request logs', () => {
  it('never carry a credential: the token in a query string is censored, headers are not logged', async () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    const app = await testApp({}, { log });
    const res = await app.inject({
      url: '/items/a?access_token=query-secret',
      headers: { authorization: 'Bearer header-secret', cookie: 'sid=cookie-secret' },
    });
    expect(res.statusCode).toBe(200);
    const out = lines.join('');
    expect(out).toContain('/items/a?access_token=redacted'); // the request was logged, its URL readable
    for (const secret of ['query-secret', 'header-secret', 'cookie-secret']) expect(out, secret).not.toContain(secret);
  });
});
